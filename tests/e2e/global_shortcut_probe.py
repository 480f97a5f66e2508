"""Registers a GlobalShortcut and reports what happens, for the X11 (Xvfb) tests.

Usage: ``python -m tests.e2e.global_shortcut_probe KEY [--unregister-after-first]``.
Prints ``REGISTERED`` or ``UNAVAILABLE <reason>``, then ``ACTIVATED`` per press (and
``UNREGISTERED`` after the first with the flag). Exits by itself after a minute.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from assistant.ui.global_shortcut import GlobalShortcut

LIFETIME_MS = 60_000


def main(argv: list[str]) -> int:
    app = QApplication(sys.argv[:1])
    shortcut = GlobalShortcut()
    if not shortcut.register(argv[0]):
        print(f"UNAVAILABLE {shortcut.unavailable_reason}", flush=True)
        return 0
    print("REGISTERED", flush=True)

    def activated() -> None:
        print("ACTIVATED", flush=True)
        if "--unregister-after-first" in argv:
            shortcut.unregister()
            print("UNREGISTERED", flush=True)

    shortcut.activated.connect(activated)
    app.aboutToQuit.connect(shortcut.unregister)
    QTimer.singleShot(LIFETIME_MS, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
