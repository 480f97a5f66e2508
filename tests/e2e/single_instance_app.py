"""A minimal window app guarded by SingleInstance, for the two-process tests.

Usage: ``python -m tests.e2e.single_instance_app [--hidden] [ARG ...]``. The primary prints
``PRIMARY <key>`` once it listens, then ``ACTIVATED <json>`` each time a later launch asks
for the window (its argv and what the window looks like afterwards). A later launch prints
the already-running sentence and exits 0. Runs on whatever QT_QPA_PLATFORM says.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from assistant.paths import app_paths
from assistant.ui.single_instance import SingleInstance, bring_to_front


def main(argv: list[str]) -> int:
    app = QApplication(sys.argv[:1])
    hidden = "--hidden" in argv
    args = [arg for arg in argv if arg != "--hidden"]
    instance = SingleInstance(app_paths().data_dir)
    if not instance.claim(args):
        print(instance.already_running_message(), flush=True)
        return 0
    window = QMainWindow()
    window.setWindowTitle("single-instance test")
    window.resize(320, 200)
    if hidden:
        window.showMinimized()
        window.hide()  # as if closed to the tray
    else:
        window.show()

    def activated(forwarded: list[str]) -> None:
        bring_to_front(window)
        report = {"argv": forwarded, "visible": window.isVisible(),
                  "minimized": window.isMinimized()}
        print("ACTIVATED " + json.dumps(report), flush=True)

    instance.activationRequested.connect(activated)
    app.aboutToQuit.connect(instance.release)
    print(f"PRIMARY {instance.key}", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
