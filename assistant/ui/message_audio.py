"""The recording a spoken message was transcribed from, with a button to play it back."""

from __future__ import annotations

import os

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

from assistant.core.attachments import AudioAttachment
from assistant.ui.recording_bar import format_elapsed

# English source texts, translated where they are shown (context "MessageAudio").
PLAY_NAME = QT_TRANSLATE_NOOP("MessageAudio", "Play the recording")
STOP_NAME = QT_TRANSLATE_NOOP("MessageAudio", "Stop playing the recording")
MISSING_TIP = QT_TRANSLATE_NOOP(
    "MessageAudio", "The recording's file is missing, so it cannot be played."
)

# Set on the button, not on the row: the row still hears of theme changes and sets it again
# (a style sheet reads ``palette(…)`` once, and a widget under one hears of no palette change).
AUDIO_STYLE = """
QToolButton#playRecording {
    border: 1px solid palette(mid); border-radius: 11px; padding: 2px 12px 2px 10px;
    min-height: 18px;
    background: palette(button);
}
QToolButton#playRecording:hover { background: palette(midlight); }
QToolButton#playRecording:focus {
    border: 2px solid palette(highlight); padding: 1px 11px 1px 9px;
}
"""


def format_duration(seconds: float) -> str:
    """A recording's length, rounded: ``2.6`` → "0:03", ``61`` → "1:01" (at least "0:01")."""
    return format_elapsed(max(1, round(seconds)) if seconds > 0 else 0)


class MessageAudio(QWidget):
    """A play / stop button for a message's ``audio`` (hidden when it has none).

    It only asks: ``playRequested(path)`` and ``stopRequested()``; the owner plays the file
    and says what happens with :meth:`set_playing` (also when playback ends by itself).
    """

    playRequested = Signal(str)
    stopRequested = Signal()

    def __init__(self, audio: AudioAttachment | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageAudio")
        self.setAccessibleName(self.tr("Recording"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._audio: AudioAttachment | None = None
        self._playing = False
        self._button = QToolButton()
        self._button.setObjectName("playRecording")
        self._button.setStyleSheet(AUDIO_STYLE)
        self._button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._button.clicked.connect(self._on_click)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._button)
        layout.addStretch(1)
        self.set_audio(audio)

    @property
    def button(self) -> QToolButton:
        return self._button

    def audio(self) -> AudioAttachment | None:
        return self._audio

    def set_audio(self, audio: AudioAttachment | None) -> None:
        self._audio = audio
        self._playing = False
        available = audio is not None and os.path.isfile(audio.path)
        self._button.setEnabled(available)
        self._update()
        self.setVisible(audio is not None)

    def is_playing(self) -> bool:
        return self._playing

    def set_playing(self, playing: bool) -> None:
        """Show "■" (stop) while the recording plays, "▶" with its length otherwise."""
        self._playing = playing and self._audio is not None
        self._update()

    def _update(self) -> None:
        duration = format_duration(self._audio.duration_s) if self._audio else "0:00"
        length = self.tr("Length {duration}").format(duration=duration)
        self._button.setAccessibleDescription(length)
        if self._playing:
            self._button.setText(f"■ {duration}")
            self._button.setAccessibleName(self.tr(STOP_NAME))
            self._button.setToolTip(self.tr("Stop playing"))
        else:
            self._button.setText(f"▶ {duration}")
            self._button.setAccessibleName(self.tr(PLAY_NAME))
            enabled = self._button.isEnabled()
            self._button.setToolTip(self.tr("Play what you said") if enabled
                                    else self.tr(MISSING_TIP))

    def changeEvent(self, event: QEvent) -> None:
        """The theme changed: set the button's style sheet again to read the new colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._button.setStyleSheet(AUDIO_STYLE)

    def _on_click(self) -> None:
        if self._audio is None:
            return
        if self._playing:
            self.stopRequested.emit()
        else:
            self.playRequested.emit(self._audio.path)
