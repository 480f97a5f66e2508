"""The strip above the composer's text box while a spoken message is recorded or transcribed,
and the level meter it shares with the speech settings."""

from __future__ import annotations

import math
from enum import StrEnum

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from assistant.ui.mic_button import RECORDING_RED

LISTENING_TEXT = "Listening… release to send · Esc to cancel"
LISTENING_NO_SEND_TEXT = "Listening… release to stop · Esc to cancel"
TRANSCRIBING_TEXT = "Transcribing…"
BLINK_MS = 600
LEVEL_GREEN = QColor("#1e8e3e")
LEVEL_LOUD = QColor("#e37400")  # amber: so loud the words may distort
LOUD_LEVEL = 0.85


def format_elapsed(seconds: float) -> str:
    """A running clock: ``3.7`` → "0:03", ``75`` → "1:15", ``3725`` → "1:02:05"."""
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _blend(base: QColor, accent: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(*(b + (a - b) * amount for b, a in zip(
        base.getRgbF()[:3], accent.getRgbF()[:3], strict=True)))


class LevelMeter(QWidget):
    """How loud the microphone is, 0..1, as a filled rounded bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelMeter")
        self.setAccessibleName("Microphone level")
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
            # Green while the voice is clear; near the top it turns amber (too loud).
            color = LEVEL_GREEN if self._level < LOUD_LEVEL else LEVEL_LOUD
            painter.setBrush(color)
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
        color = QColor(RECORDING_RED)
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

    The owner drives it: :meth:`show_listening`, :meth:`set_level`, :meth:`set_elapsed`,
    :meth:`show_transcribing`, :meth:`show_progress` and :meth:`hide_bar`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingBar")
        self.setAccessibleName("Recording")
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
        self._elapsed.setAccessibleName("Time recorded")
        self._elapsed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        digits = self._elapsed.fontMetrics().horizontalAdvance("00:00")
        self._elapsed.setMinimumWidth(digits)  # the text does not jump as the seconds change
        self._busy = QProgressBar()
        self._busy.setObjectName("transcribingProgress")
        self._busy.setAccessibleName("Transcribing")
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
        self._label.setText(LISTENING_TEXT if sends else LISTENING_NO_SEND_TEXT)
        self._meter.set_level(0.0)
        self._elapsed.setText(format_elapsed(0))
        for widget in (self._dot, self._meter, self._elapsed):
            widget.show()
        self._busy.hide()
        self._dot.start()
        self._style(listening=True)
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
        self._label.setText(TRANSCRIBING_TEXT)

    def show_progress(self, fraction: float) -> None:
        """How far transcribing a long recording has come, 0..1: "Transcribing… 42%"."""
        self._enter_transcribing()
        fraction = 0.0 if not math.isfinite(fraction) else min(max(fraction, 0.0), 1.0)
        percent = math.floor(fraction * 100)
        self._busy.setRange(0, 100)
        self._busy.setValue(percent)
        self._label.setText(f"{TRANSCRIBING_TEXT} {percent}%")

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
            self._style(listening=False)
        self.show()

    def _style(self, *, listening: bool) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        accent = RECORDING_RED if listening else palette.color(QPalette.ColorRole.Highlight)
        background = _blend(base, accent, 0.08)
        border = _blend(base, accent, 0.45)
        self.setStyleSheet(
            f"QFrame#recordingBar {{ background: {background.name()};"
            f" border: 1px solid {border.name()}; border-radius: 8px; }}"
            " QLabel { background: transparent; border: none; }")
