"""A read-only code block: language header, Copy button, monospace text that fits its height."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextCursor, QTextOption, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

COPIED_FEEDBACK_MS = 1500


class _CodeView(QPlainTextEdit):
    """Monospace, unwrapped, read-only text whose height always shows every line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeText")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setWordWrapMode(QTextOption.WrapMode.NoWrap)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.setFont(font)
        self.document().setDefaultFont(font)
        self.setTabStopDistance(4 * self.fontMetrics().horizontalAdvance(" "))
        self._fitted_height = -1
        self.horizontalScrollBar().rangeChanged.connect(self._fit_height)
        self._fit_height()

    def _fit_height(self) -> None:
        lines = max(1, self.document().blockCount())
        margin = self.document().documentMargin()
        line = max(self.fontMetrics().lineSpacing(), self.fontMetrics().height())
        # QPlainTextEdit keeps one spare pixel below the last line before it scrolls.
        height = math.ceil(lines * line + 2 * margin) + 2 * self.frameWidth() + 1
        bar = self.horizontalScrollBar()
        if bar.maximum() > 0:
            height += bar.sizeHint().height()
        if height != self._fitted_height:
            self._fitted_height = height
            self.setFixedHeight(height)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Scroll sideways here; leave vertical scrolling (and zoom) to the transcript."""
        delta = event.angleDelta()
        if abs(delta.x()) > abs(delta.y()) and not event.modifiers():
            super().wheelEvent(event)
        else:
            event.ignore()

    def set_code(self, old: str, new: str) -> None:
        if new.startswith(old) and old:
            # Streaming: add only the new characters, leaving any selection alone.
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(new[len(old) :])
        else:
            self.setPlainText(new)
        self._fit_height()


class CodeBlockWidget(QFrame):
    """One fenced code block from an answer. ``set_code`` updates it while it streams."""

    def __init__(self, code: str = "", language: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeBlock")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._code = ""
        self._language_name = ""

        self._language = QLabel()
        self._language.setObjectName("codeLanguage")
        self._copy = QToolButton()
        self._copy.setObjectName("codeCopy")
        self._copy.setText(self.tr("Copy"))
        self._copy.setAutoRaise(True)
        self._copy.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._copy.setToolTip(self.tr("Copy this code"))
        self._copy.setAccessibleName(self.tr("Copy code"))
        self._copy.setCursor(Qt.CursorShape.PointingHandCursor)
        self._copy.clicked.connect(self.copy_to_clipboard)
        for label in (self._language, self._copy):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.85)
            label.setFont(font)
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_FEEDBACK_MS)
        self._copied_timer.timeout.connect(self._reset_copy_label)

        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 2, 0)
        header.addWidget(self._language)
        header.addStretch(1)
        header.addWidget(self._copy)

        self._view = _CodeView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self._view)

        self.set_language(language)
        self.set_code(code)

    @property
    def view(self) -> QPlainTextEdit:
        """The text view (read-only), e.g. to inspect it in tests."""
        return self._view

    @property
    def copy_button(self) -> QToolButton:
        return self._copy

    def code(self) -> str:
        return self._code

    def language(self) -> str:
        return self._language_name

    def set_language(self, language: str) -> None:
        if language == self._language_name and self._language.text():
            return
        self._language_name = language
        self._language.setText(language or self.tr("code"))
        self._view.setAccessibleName(
            self.tr("{language} code").format(language=language) if language else self.tr("Code")
        )

    def set_code(self, text: str) -> None:
        """Show ``text``; when it extends the current code only the new part is added."""
        if text == self._code:
            return
        self._view.set_code(self._code, text)
        self._code = text

    def copy_to_clipboard(self) -> None:
        """Put exactly the code on the clipboard and say so on the button for a moment."""
        QGuiApplication.clipboard().setText(self._code)
        self._copy.setText(self.tr("Copied"))
        self._copied_timer.start()

    def _reset_copy_label(self) -> None:
        self._copy.setText(self.tr("Copy"))
