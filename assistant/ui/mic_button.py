"""The composer's microphone button: held down to talk, let go to send."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QToolButton, QWidget

HOLD_TO_TALK = QT_TRANSLATE_NOOP("MicButton", "Hold to talk")  # translated where shown
RECORDING_RED = QColor("#d93025")  # behind a white microphone: readable on any theme


def microphone_icon(ink: QColor, side: int = 20, *, background: QColor | None = None) -> QIcon:
    """A drawn microphone in ``ink``; on a round ``background`` when one is given."""
    ratio = 2.0
    pixmap = QPixmap(round(side * ratio), round(side * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = side / 20
    stroke = 1.7 * unit
    if background is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawEllipse(QRectF(0, 0, side, side))
        painter.translate(side * 0.16, side * 0.14)
        unit *= 0.68
        stroke = 1.5 * side / 20  # thinner lines would fade into the red
    pen = QPen(ink, stroke)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(7 * unit, 2 * unit, 6 * unit, 10.5 * unit), 3 * unit, 3 * unit)
    cradle = QPainterPath()
    cradle.moveTo(QPointF(4.5 * unit, 9 * unit))
    cradle.arcTo(QRectF(4.5 * unit, 5 * unit, 11 * unit, 10.5 * unit), 180, 180)
    painter.drawPath(cradle)
    painter.drawLine(QPointF(10 * unit, 15.5 * unit), QPointF(10 * unit, 18 * unit))
    painter.drawLine(QPointF(7 * unit, 18 * unit), QPointF(13 * unit, 18 * unit))
    painter.end()
    return QIcon(pixmap)


class MicButton(QToolButton):
    """Press and hold (mouse, or Space while focused) to talk.

    ``holdStarted()`` when the hold begins; ``holdReleased()`` when it ends, wherever the
    pointer is by then, or when the focus leaves during a keyboard hold. Auto-repeated Space
    presses are ignored. :meth:`cancel_hold` forgets a hold, so its end emits nothing.
    """

    holdStarted = Signal()
    holdReleased = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("micButton")
        self.setAutoRaise(True)
        self.setIconSize(QSize(22, 22))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName(self.tr(HOLD_TO_TALK))
        self._shortcut = "F9"
        self._recording = False
        self._holding: str | None = None  # "mouse" or "key" while held
        self._update_look()

    def set_shortcut_text(self, text: str) -> None:
        """The keyboard key that also records, e.g. "F9" ("" for none), for the tooltip."""
        self._shortcut = text
        self._update_look()

    def set_recording(self, recording: bool) -> None:
        """Show whether a recording runs: a white microphone on red while it does."""
        self._recording = recording
        self._update_look()

    def is_recording(self) -> bool:
        return self._recording

    def is_held(self) -> bool:
        return self._holding is not None

    def cancel_hold(self) -> None:
        """Forget the hold in progress (e.g. after Esc): letting go then emits nothing."""
        self._holding = None
        self.setDown(False)

    # -- internals -------------------------------------------------------------------------

    def _update_look(self) -> None:
        tip = (self.tr("Hold to talk ({key})").format(key=self._shortcut) if self._shortcut
               else self.tr(HOLD_TO_TALK))
        if self._recording:
            self.setIcon(microphone_icon(QColor("white"), 22, background=RECORDING_RED))
            self.setToolTip(self.tr("Recording… let go to send; Esc cancels"))
            self.setAccessibleDescription(self.tr("Recording"))
        else:
            ink = self.palette().color(QPalette.ColorRole.ButtonText)
            self.setIcon(microphone_icon(ink, 22))
            self.setToolTip(tip)
            self.setAccessibleDescription(tip)

    def _start(self, how: str) -> None:
        if self._holding is None:
            self._holding = how
            self.holdStarted.emit()

    def _end(self, how: str) -> None:
        if self._holding == how:
            self._holding = None
            self.holdReleased.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)  # the pressed look
            self._start("mouse")
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._end("mouse")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self.setDown(True)
                self._start("key")
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self.setDown(False)
                self._end("key")
            event.accept()
            return
        super().keyReleaseEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._update_look()  # the microphone follows the theme's text colour

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self._holding == "key":
            self.setDown(False)
            self._end("key")
