"""The strip above the composer's text box while a spoken message is recorded or transcribed,
and the level meter it shares with the speech settings."""

from __future__ import annotations

import math
from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from assistant.ui.mic_button import RECORDING_RED
from assistant.ui.notice_bar import is_dark
from assistant.ui.tinted_box import paint_tinted_box

# Source texts (English); the bar shows them translated.
LISTENING_TEXT = QT_TRANSLATE_NOOP("RecordingBar", "Listening… release to send · Esc to cancel")
LISTENING_NO_SEND_TEXT = QT_TRANSLATE_NOOP("RecordingBar",
                                           "Listening… release to stop · Esc to cancel")
TRANSCRIBING_TEXT = QT_TRANSLATE_NOOP("RecordingBar", "Transcribing…")
BLINK_MS = 600
LEVEL_GREEN = QColor("#1e8e3e")
LEVEL_LOUD = QColor("#e37400")  # amber: so loud the words may distort
LEVEL_GREEN_DARK = QColor("#81c995")  # the same two, readable on dark backgrounds
LEVEL_LOUD_DARK = QColor("#fcad70")
RECORDING_RED_DARK = QColor("#f28b82")  # the recording dot on dark backgrounds
LOUD_LEVEL = 0.85


def format_elapsed(seconds: float) -> str:
    """A running clock: ``3.7`` → "0:03", ``75`` → "1:15", ``3725`` → "1:02:05"."""
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def level_color(level: float, palette: QPalette) -> QColor:
    """The meter's fill: green while the voice is clear, amber near the top (too loud)."""
    dark = is_dark(palette)
    if level < LOUD_LEVEL:
        return QColor(LEVEL_GREEN_DARK if dark else LEVEL_GREEN)
    return QColor(LEVEL_LOUD_DARK if dark else LEVEL_LOUD)


def recording_color(palette: QPalette) -> QColor:
    """The red of "recording", readable on ``palette``'s window background."""
    return QColor(RECORDING_RED_DARK if is_dark(palette) else RECORDING_RED)


class LevelMeter(QWidget):
    """How loud the microphone is, 0..1, as a filled rounded bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelMeter")
        self.setAccessibleName(self.tr("Microphone level"))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._level = 0.0

    def level(self) -> float:
        return self._level

    def set_level(self, level: float) -> None:
        level = 0.0 if not math.isfinite(level) else min(max(level, 0.0), 1.0)
        if level != self._level:
            self._level = level
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(120, 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = track.height() / 2
        painter.setBrush(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(track, radius, radius)
        if self._level > 0:
            filled = QRectF(track)
            filled.setWidth(max(track.height(), track.width() * self._level))
            painter.setBrush(level_color(self._level, self.palette()))
            painter.drawRoundedRect(filled, radius, radius)
        painter.end()


class _RecordingDot(QWidget):
    """A red dot that blinks slowly while shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(12, 12)
        self._bright = True
        self._timer = QTimer(self)
        self._timer.setInterval(BLINK_MS)
        self._timer.timeout.connect(self._blink)

    def start(self) -> None:
        self._bright = True
        self._timer.start()
        self.update()

    def stop(self) -> None:
        self._timer.stop()

    def _blink(self) -> None:
        self._bright = not self._bright
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        color = recording_color(self.palette())
        if not self._bright:
            color.setAlphaF(0.35)
        painter.setBrush(color)
        painter.drawEllipse(QRectF(1, 1, 10, 10))
        painter.end()


class BarState(StrEnum):
    HIDDEN = "hidden"
    LISTENING = "listening"
    TRANSCRIBING = "transcribing"


class RecordingBar(QFrame):
    """"Listening…" with a live level and the time so far, then "Transcribing…"; a view only.

    Its tint is painted from the palette in force, so it follows a change of theme.

    The owner drives it: :meth:`show_listening`, :meth:`set_level`, :meth:`set_elapsed`,
    :meth:`show_transcribing`, :meth:`show_progress` and :meth:`hide_bar`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingBar")
        self.setAccessibleName(self.tr("Recording"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._state = BarState.HIDDEN

        self._dot = _RecordingDot()
        self._label = QLabel()
        self._label.setObjectName("recordingState")
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._meter = LevelMeter()
        self._meter.setFixedSize(120, 8)
        self._elapsed = QLabel(format_elapsed(0))
        self._elapsed.setObjectName("recordingElapsed")
        self._elapsed.setAccessibleName(self.tr("Time recorded"))
        self._elapsed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        digits = self._elapsed.fontMetrics().horizontalAdvance("00:00")
        self._elapsed.setMinimumWidth(digits)  # the text does not jump as the seconds change
        self._busy = QProgressBar()
        self._busy.setObjectName("transcribingProgress")
        self._busy.setAccessibleName(self.tr("Transcribing"))
        self._busy.setTextVisible(False)
        self._busy.setFixedSize(120, 8)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 5)
        layout.setSpacing(8)
        layout.addWidget(self._dot)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._meter)
        layout.addWidget(self._busy)
        layout.addWidget(self._elapsed)
        self.hide()

    # -- the owner's calls -----------------------------------------------------------------

    def show_listening(self, *, sends: bool = True) -> None:
        """Recording has started: level 0 and 0:00 (``sends``: letting go sends the text)."""
        self._state = BarState.LISTENING
        self._label.setText(self.tr(LISTENING_TEXT if sends else LISTENING_NO_SEND_TEXT))
        self._meter.set_level(0.0)
        self._elapsed.setText(format_elapsed(0))
        for widget in (self._dot, self._meter, self._elapsed):
            widget.show()
        self._busy.hide()
        self._dot.start()
        self.update()
        self.show()

    def set_level(self, level: float) -> None:
        """The microphone's loudness now, 0..1 (values outside are clamped)."""
        self._meter.set_level(level)

    def set_elapsed(self, seconds: float) -> None:
        self._elapsed.setText(format_elapsed(seconds))

    def show_transcribing(self) -> None:
        """Recording is over and the words are being worked out (no end known)."""
        self._enter_transcribing()
        self._busy.setRange(0, 0)  # a busy indicator, with no end
        self._label.setText(self.tr(TRANSCRIBING_TEXT))

    def show_progress(self, fraction: float) -> None:
        """How far transcribing a long recording has come, 0..1: "Transcribing… 42%"."""
        self._enter_transcribing()
        fraction = 0.0 if not math.isfinite(fraction) else min(max(fraction, 0.0), 1.0)
        percent = math.floor(fraction * 100)
        self._busy.setRange(0, 100)
        self._busy.setValue(percent)
        self._label.setText(self.tr("Transcribing… {percent}%").format(percent=percent))

    def hide_bar(self) -> None:
        self._state = BarState.HIDDEN
        self._dot.stop()
        self.hide()

    # -- read access (tests, accessibility) ------------------------------------------------

    def state(self) -> BarState:
        return self._state

    def state_text(self) -> str:
        """What the bar says now ("" when hidden)."""
        return "" if self._state is BarState.HIDDEN else self._label.text()

    def level(self) -> float:
        return self._meter.level()

    def elapsed_text(self) -> str:
        return self._elapsed.text()

    @property
    def meter(self) -> LevelMeter:
        return self._meter

    @property
    def busy_indicator(self) -> QProgressBar:
        return self._busy

    # -- internals -------------------------------------------------------------------------

    def _enter_transcribing(self) -> None:
        if self._state is not BarState.TRANSCRIBING:
            self._state = BarState.TRANSCRIBING
            self._dot.stop()
            for widget in (self._dot, self._meter, self._elapsed):
                widget.hide()
            self._busy.show()
            self.update()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        """A rounded box over the text-box colour, tinted red while listening."""
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        accent = (recording_color(palette) if self._state is BarState.LISTENING
                  else palette.color(QPalette.ColorRole.Highlight))
        paint_tinted_box(self, base, accent, fill=0.08, radius=8)
