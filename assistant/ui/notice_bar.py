"""An inline banner for non-modal messages: information, errors, and "Undo" offers."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from assistant.ui.tinted_box import paint_tinted_box

_ERROR_LIGHT = QColor("#b3261e")  # on light backgrounds
_ERROR_DARK = QColor("#f2b8b5")  # on dark backgrounds
_INFO_LIGHT = QColor("#1a73e8")
_INFO_DARK = QColor("#8ab4f8")


def is_dark(palette: QPalette) -> bool:
    """Whether the palette's window colour is dark (a dark theme)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(palette: QPalette) -> QColor:
    """A readable error colour for text on ``palette``'s window background."""
    return QColor(_ERROR_DARK if is_dark(palette) else _ERROR_LIGHT)


def info_color(palette: QPalette) -> QColor:
    """The accent of information notices, readable on ``palette``'s window background."""
    return QColor(_INFO_DARK if is_dark(palette) else _INFO_LIGHT)


class NoticeKind(StrEnum):
    INFO = "info"
    ERROR = "error"
    UNDO = "undo"


class NoticeBar(QFrame):
    """One notice at a time; a newer notice replaces the older one.

    An undo notice hides itself after its timeout (paused while the pointer is over it) and
    then emits ``undoExpired``; so does closing it or replacing it with another notice.
    Its tint and text colour come from the palette in force, so they follow a change of theme.
    """

    undoRequested = Signal()
    undoExpired = Signal()
    actionRequested = Signal()  # the button of ``show_action`` was clicked

    _MIN_REMAINING_MS = 3000  # time left after the pointer leaves a paused undo notice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName(self.tr("Notice"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._kind: NoticeKind | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)
        self._timeout_ms = 0

        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.undo_button = QPushButton(self.tr("Undo"), self)
        self.undo_button.setToolTip(self.tr("Undo the last action"))
        self.undo_button.clicked.connect(self._undo)

        self.action_button = QPushButton(self)
        self.action_button.clicked.connect(self._act)
        self.action_button.hide()

        self.close_button = QPushButton("×", self)
        self.close_button.setFlat(True)
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.setAccessibleName(self.tr("Dismiss notice"))
        self.close_button.setFixedWidth(self.close_button.sizeHint().height())
        self.close_button.clicked.connect(self.dismiss)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    # -- public API ---------------------------------------------------------------------

    def show_info(self, text: str) -> None:
        self._show(NoticeKind.INFO, text)

    def show_error(self, text: str) -> None:
        self._show(NoticeKind.ERROR, text)

    def show_undo(self, text: str, timeout_ms: int = 8000) -> None:
        """Offer "Undo" for ``timeout_ms``; ``undoExpired`` follows if it is not used."""
        self._show(NoticeKind.UNDO, text)
        self._timeout_ms = max(1, timeout_ms)
        self._timer.start(self._timeout_ms)

    def show_action(self, text: str, action_text: str) -> None:
        """An error with one way out: a button that emits ``actionRequested``."""
        self._show(NoticeKind.ERROR, text)
        self.action_button.setText(action_text)
        self.action_button.setAccessibleName(action_text)
        self.action_button.show()

    def dismiss(self) -> None:
        """Hide the notice; an undo offer that was still open expires."""
        self._close(expired=True)

    def kind(self) -> NoticeKind | None:
        """What is shown now, or None when hidden."""
        return self._kind

    def text(self) -> str:
        return self._label.text() if self._kind is not None else ""

    # -- internals ----------------------------------------------------------------------

    def _show(self, kind: NoticeKind, text: str) -> None:
        self._close(expired=True)
        self._kind = kind
        self._label.setText(text)
        self.undo_button.setVisible(kind is NoticeKind.UNDO)
        self.action_button.hide()
        self._apply_text_color()
        self.setAccessibleDescription(text)
        self.show()

    def _close(self, expired: bool) -> None:
        was_undo = self._kind is NoticeKind.UNDO
        self._timer.stop()
        self._kind = None
        self.hide()
        if was_undo and expired:
            self.undoExpired.emit()

    def _undo(self) -> None:
        if self._kind is not NoticeKind.UNDO:
            return
        self._close(expired=False)
        self.undoRequested.emit()

    def _act(self) -> None:
        self._close(expired=False)
        self.actionRequested.emit()

    def _expire(self) -> None:
        if self._kind is NoticeKind.UNDO:
            self._close(expired=True)

    def _accent(self) -> QColor:
        palette = self.palette()
        return error_color(palette) if self._kind is NoticeKind.ERROR else info_color(palette)

    def _apply_text_color(self) -> None:
        """Errors are written in the error colour; other notices in the palette's own."""
        if self._kind is NoticeKind.ERROR:
            label_palette = QPalette(self._label.palette())
            label_palette.setColor(QPalette.ColorRole.WindowText, error_color(self.palette()))
            self._label.setPalette(label_palette)
        else:
            self._label.setPalette(QPalette())  # inherits, and so follows the theme

    def paintEvent(self, event: QPaintEvent) -> None:
        """A rounded box tinted with the notice's accent over the window colour."""
        paint_tinted_box(self, self.palette().color(QPalette.ColorRole.Window), self._accent(),
                         fill=0.14, radius=6)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._kind is not None:
            self._apply_text_color()  # the error colour differs on dark backgrounds
            self.update()

    def enterEvent(self, event: QEvent) -> None:
        if self._timer.isActive():
            self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._kind is NoticeKind.UNDO and not self._timer.isActive():
            self._timer.start(min(self._timeout_ms, self._MIN_REMAINING_MS))
        super().leaveEvent(event)
