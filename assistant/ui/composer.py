"""The message composer: a text box that grows with its text, and a Send / Stop button."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

PLACEHOLDER = "Message Mosaic… (Enter to send, Shift+Enter for a new line)"
EMPTY_HINT = "Type a message first."
HINT_MS = 2500

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class GrowingTextEdit(QPlainTextEdit):
    """Plain-text box that grows from ``min_lines`` to ``max_lines`` and then scrolls.

    With ``enter_submits`` Enter asks to submit and Shift+Enter inserts a new line;
    otherwise Enter inserts a new line and Ctrl+Enter asks to submit. Esc asks to cancel.
    """

    submitRequested = Signal()
    escapePressed = Signal()

    def __init__(
        self,
        *,
        enter_submits: bool,
        min_lines: int = 1,
        max_lines: int = 8,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._enter_submits = enter_submits
        self._min_lines = min_lines
        self._max_lines = max_lines
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def visible_lines(self) -> int:
        """How many lines of text the box is tall enough to show right now."""
        lines = round(self.document().documentLayout().documentSize().height())
        return min(max(lines, self._min_lines), self._max_lines)

    def _fit_height(self) -> None:
        metrics = self.fontMetrics()
        line = max(metrics.lineSpacing(), metrics.height())
        margin = self.document().documentMargin()
        height = math.ceil(self.visible_lines() * line + 2 * margin) + 2 * self.frameWidth() + 1
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in _ENTER_KEYS:
            shift = mods == Qt.KeyboardModifier.ShiftModifier
            ctrl = mods == Qt.KeyboardModifier.ControlModifier
            if self._enter_submits and (mods == Qt.KeyboardModifier.NoModifier or ctrl):
                self.submitRequested.emit()
                return
            if not self._enter_submits and ctrl:
                self.submitRequested.emit()
                return
            if shift or mods == Qt.KeyboardModifier.NoModifier:
                self.textCursor().insertText("\n")
                self.ensureCursorVisible()
                return
        if key == Qt.Key.Key_Escape and mods == Qt.KeyboardModifier.NoModifier:
            self.escapePressed.emit()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    """Where the person types. Emits ``submitted(text)`` or, while an answer is being
    generated, ``stopRequested()``.

    The text stays until the owner calls :meth:`clear` (after it has accepted and saved the
    message), so nothing typed is lost when sending is refused.
    """

    submitted = Signal(str)
    stopRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._generating = False

        self._input = GrowingTextEdit(enter_submits=True, min_lines=1, max_lines=8)
        self._input.setObjectName("composerInput")
        self._input.setPlaceholderText(PLACEHOLDER)
        self._input.setAccessibleName("Message")
        self._input.setAccessibleDescription(PLACEHOLDER)
        self._input.submitRequested.connect(self._on_enter)
        self._input.escapePressed.connect(self._on_escape)
        self._input.textChanged.connect(self._on_text_changed)

        self._button = QPushButton()
        self._button.setObjectName("composerSend")
        self._button.setAutoDefault(False)
        self._button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._button.clicked.connect(self._on_button)

        self._hint = QLabel(EMPTY_HINT)
        self._hint.setObjectName("composerHint")
        self._hint.setAccessibleName("Hint")
        self._hint.hide()
        hint_font = self._hint.font()
        hint_font.setPointSizeF(hint_font.pointSizeF() * 0.9)
        self._hint.setFont(hint_font)
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.setInterval(HINT_MS)
        self._hint_timer.timeout.connect(self._hint.hide)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self._input, 1)
        row.addWidget(self._button, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self._hint)
        self._input.setFrameShape(QFrame.Shape.StyledPanel)
        self._update_button()

    # -- public API ------------------------------------------------------------------------

    @property
    def input(self) -> GrowingTextEdit:
        return self._input

    @property
    def button(self) -> QPushButton:
        return self._button

    @property
    def hint(self) -> QLabel:
        return self._hint

    def text(self) -> str:
        return self._input.toPlainText()

    def set_text(self, text: str) -> None:
        self._input.setPlainText(text)
        self._input.moveCursor(self._input.textCursor().MoveOperation.End)

    def clear(self) -> None:
        self._input.clear()

    def focus_input(self) -> None:
        self._input.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_generating(self) -> bool:
        return self._generating

    def set_generating(self, generating: bool) -> None:
        """While generating the button reads "Stop", and Enter sends nothing."""
        self._generating = generating
        self._update_button()

    def submit(self) -> bool:
        """Send the text as if Enter was pressed; return whether it was sent."""
        if self._generating:
            return False
        text = self.text().strip()
        if not text:
            self._hint.show()
            self._hint_timer.start()
            return False
        self._hint.hide()
        self.submitted.emit(text)
        return True

    # -- internals -------------------------------------------------------------------------

    def _update_button(self) -> None:
        if self._generating:
            self._button.setText("Stop")
            self._button.setToolTip("Stop generating (Esc)")
            self._button.setAccessibleName("Stop generating")
        else:
            self._button.setText("Send")
            self._button.setToolTip("Send message (Enter)")
            self._button.setAccessibleName("Send message")

    def _on_button(self) -> None:
        if self._generating:
            self.stopRequested.emit()
        else:
            self.submit()
            self.focus_input()

    def _on_enter(self) -> None:
        if not self._generating:
            self.submit()

    def _on_escape(self) -> None:
        if self._generating:
            self.stopRequested.emit()

    def _on_text_changed(self) -> None:
        if not self._hint.isHidden() and self.text().strip():
            self._hint.hide()
