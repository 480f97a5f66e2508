"""Child process for the kill test: the real window streams an answer and acknowledges
every piece of text the moment it is painted (which happens after it was committed).

Usage: python -m tests.e2e.stream_and_ack MODEL_PATH QUESTION
Prints ``READY`` when the model is loaded and ``ACK <chars>`` after each painted chunk.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Slot

from assistant.ui.launch import create_application, create_main_window
from assistant.ui.main_window import MainWindow


class Driver(QObject):
    """Sends the question once the model is loaded; acknowledges painted text."""

    def __init__(self, window: MainWindow, question: str) -> None:
        super().__init__(window)
        self.window = window
        self.question = question
        self.painted = 0
        self.original_append = window.message_view.append_text
        window.message_view.append_text = self.append_and_ack  # type: ignore[method-assign]
        window.services.engine.modelLoaded.connect(self.send_when_loaded)

    def append_and_ack(self, message_id: int, text: str) -> None:
        self.original_append(message_id, text)
        self.painted += len(text)
        print(f"ACK {self.painted}", flush=True)

    @Slot(object)
    def send_when_loaded(self, _loaded: object) -> None:
        print("READY", flush=True)
        self.window.chat.send(self.question)


def main() -> int:
    model_path, question = sys.argv[1], sys.argv[2]
    app = create_application([])
    window = create_main_window(start_engine=False)
    Driver(window, question)
    window.show()
    window.services.engine.start()
    window.models.load(model_path)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
