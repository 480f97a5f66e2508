"""The recording a spoken message was transcribed from, with a button to play it back."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

from assistant.core.attachments import AudioAttachment
from assistant.ui.recording_bar import format_elapsed

PLAY_NAME = "Play the recording"
STOP_NAME = "Stop playing the recording"
MISSING_TIP = "The recording's file is missing, so it cannot be played."

AUDIO_STYLE = """
QToolButton#playRecording {
    border: 1px solid palette(mid); border-radius: 11px; padding: 2px 12px 2px 10px;
    min-height: 18px;
    background: palette(button);
}
QToolButton#playRecording:hover { background: palette(midlight); }
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
        self.setAccessibleName("Recording")
        self.setStyleSheet(AUDIO_STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._audio: AudioAttachment | None = None
        self._playing = False
        self._button = QToolButton()
        self._button.setObjectName("playRecording")
        self._button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._button.setCursor(Qt.CursorShape.PointingHandCursor)
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
        if self._playing:
            self._button.setText(f"■ {duration}")
            self._button.setAccessibleName(STOP_NAME)
            self._button.setToolTip("Stop playing")
        else:
            self._button.setText(f"▶ {duration}")
            self._button.setAccessibleName(PLAY_NAME)
            enabled = self._button.isEnabled()
            self._button.setToolTip("Play what you said" if enabled else MISSING_TIP)

    def _on_click(self) -> None:
        if self._audio is None:
            return
        if self._playing:
            self.stopRequested.emit()
        else:
            self.playRequested.emit(self._audio.path)
