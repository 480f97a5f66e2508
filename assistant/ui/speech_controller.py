"""Push-to-talk and dropped recordings: record, transcribe in the engine, fill the composer.

Hold the mic button or the push-to-talk key to record (a callback stream at the device's own
rate; the GUI thread only polls the level for the meter), release to transcribe, Esc to
cancel. The transcript lands in the composer and is sent at once unless the person turned
that off; the recording is stored with the message so it can be played back. A dropped
audio file is transcribed (with progress, cancellable) into a block of text to ask about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, QTimer, Signal, Slot

from assistant.audio.capture import Recorder, Recording, RecordingInterrupted
from assistant.audio.devices import MicrophoneError, find_input_device
from assistant.audio.playback import PlaybackError, play_file, stop_playback
from assistant.client.background import run_in_background
from assistant.core.attachments import AudioAttachment
from assistant.core.protocol import EngineError, TranscriptionDone
from assistant.models.speech_models import find_whisper_checkpoint, missing_whisper_sentence
from assistant.ui.composer import Composer
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.push_to_talk import PushToTalkKey

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assistant.ui.launch import AppServices

log = logging.getLogger(__name__)

MIN_SPEECH_S = 0.35  # a tap shorter than this is not a question
METER_INTERVAL_MS = 33
TEST_SECONDS = 5.0  # how long the Settings microphone test listens
# Source texts (English); the notice bar shows them translated.
NOTHING_HEARD = QT_TRANSLATE_NOOP(
    "SpeechController", "I didn't hear anything; hold the key (or the mic button) while you speak.")
SHORT_TAP = QT_TRANSLATE_NOOP(
    "SpeechController",
    "Hold the key (or the mic button) while you speak, and release it when you are done.")


def _recording_name(duration_s: float) -> str:
    """The stored recording's file name (a data value, kept in English)."""
    return f"Recording ({int(duration_s) // 60}:{int(duration_s) % 60:02d}).wav"


class SpeechController(QObject):
    """Owns the recorder, the transcription request and the recording waiting to be sent."""

    spokenMessageReady = Signal(str, object)  # transcript, AudioAttachment: send it now
    playbackChanged = Signal(object)  # the recording's path now playing, or None

    def __init__(self, services: AppServices, composer: Composer, notice_bar: NoticeBar,
                 window: QWidget,
                 stream_factory: Callable[..., Any] | None = None) -> None:
        super().__init__(window)
        self._services = services
        self._engine = services.engine
        self._store = services.repository.attachment_store
        self._composer = composer
        self._bar = composer.recording_bar
        self._notice = notice_bar
        self._stream_factory = stream_factory
        self._recorder: Recorder | None = None
        self._request: int | None = None
        self._request_file: str | None = None  # the dropped file being transcribed
        self._recording: AudioAttachment | None = None  # recorded, waiting for its transcript
        self._pending: AudioAttachment | None = None  # transcript in the composer, not sent
        self._cancelled = False  # Esc during the transcription: a recording is dropped
        self._meter = QTimer(self)
        self._meter.setInterval(METER_INTERVAL_MS)
        self._meter.timeout.connect(self._update_meter)
        self._test_dialog: Any = None
        self._test_recorder: Recorder | None = None
        self._test_timer = QTimer(self)
        self._test_timer.setInterval(METER_INTERVAL_MS)
        self._test_timer.timeout.connect(self._update_test_meter)
        self.key = PushToTalkKey(window, services.settings.current.speech.push_to_talk_key)
        self.key.pressed.connect(self.start_recording)
        self.key.released.connect(self.finish_recording)
        self.key.cancelRequested.connect(self.cancel)
        composer.talkStarted.connect(self.start_recording)
        composer.talkReleased.connect(self.finish_recording)
        composer.set_push_to_talk_key(services.settings.current.speech.push_to_talk_key)
        self._playback_timer = QTimer(self)
        self._playback_timer.setSingleShot(True)
        self._playback_timer.timeout.connect(self.stop_playing)
        self._engine.transcriptionFinished.connect(self._transcribed)
        self._engine.transcriptionProgress.connect(self._progress)
        self._engine.requestFailed.connect(self._failed)

    # --- state -------------------------------------------------------------------------

    @property
    def is_recording(self) -> bool:
        return self._recorder is not None

    @property
    def is_transcribing(self) -> bool:
        return self._request is not None

    @property
    def pending_recording(self) -> AudioAttachment | None:
        """The recording whose transcript is in the composer (sent with the next message)."""
        return self._pending

    def keep_pending_recording(self, recording: AudioAttachment | None) -> None:
        """The recording to send with the words now in the composer (None: none)."""
        self._pending = recording

    def apply_settings(self) -> None:
        speech = self._services.settings.current.speech
        self.key.set_sequence(speech.push_to_talk_key)
        self._composer.set_push_to_talk_key(speech.push_to_talk_key)

    # --- recording ---------------------------------------------------------------------

    @Slot()
    def start_recording(self) -> None:
        if self.is_recording:
            return
        if self.is_transcribing:
            self._notice.show_info(
                self.tr("Mosaic is still transcribing; wait a moment or press Esc."))
            return
        try:
            recorder = self._recorder_for(self._services.settings.current.speech.input_device)
            recorder.start()
        except MicrophoneError as exc:
            self._notice.show_error(str(exc))
            return
        self._recorder = recorder
        self._composer.set_recording(
            True, sends=self._services.settings.current.speech.auto_send)
        self.key.set_recording(True)
        self._meter.start()

    def _recorder_for(self, device_name: str | None) -> Recorder:
        """A recorder on the named microphone (or on the injected test stream)."""
        if self._stream_factory is not None:
            return Recorder(stream_factory=self._stream_factory)
        return Recorder(find_input_device(device_name))

    @Slot()
    def finish_recording(self) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        self._end_recording_ui()
        try:
            recording = recorder.stop()
        except RecordingInterrupted as exc:  # unplugged: keep what was said before
            recording = exc.recording
        except MicrophoneError as exc:
            self._notice.show_error(str(exc))
            return
        if (recording.interrupted or recording.truncated) and recording.message:
            self._notice.show_error(recording.message)
        if recording.duration_s < MIN_SPEECH_S:
            self._notice.show_info(self.tr(SHORT_TAP))
            self._composer.show_tap_hint()
            return
        self._transcribe_recording(recording)

    @Slot()
    def cancel(self) -> None:
        """Esc: drop the recording, or stop the transcription."""
        if self._recorder is not None:
            recorder = self._recorder
            self._end_recording_ui()
            recorder.cancel()
        elif self._request is not None:
            self._cancelled = True
            self._engine.cancel(self._request)

    def _end_recording_ui(self) -> None:
        self._recorder = None
        self._meter.stop()
        self._composer.set_recording(False)
        self.key.set_recording(False)
        self._bar.hide_bar()

    @Slot()
    def _update_meter(self) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        self._bar.set_level(recorder.level())
        self._bar.set_elapsed(recorder.elapsed_s())
        if recorder.problem() is not None or recorder.limit_reached():
            self.finish_recording()  # unplugged or at the length limit: use what was said

    # --- transcribing ------------------------------------------------------------------

    def _model_path(self) -> str | None:
        paths = self._services.paths
        name = self._services.settings.current.speech.whisper_model
        found = find_whisper_checkpoint(paths.models_dir, name)
        if found is None:
            self._notice.show_error(missing_whisper_sentence(paths.models_dir, name))
            return None
        return str(found)

    def _language(self) -> str | None:
        language = self._services.settings.current.speech.language
        return None if language == "auto" else language

    def _transcribe_recording(self, recording: Recording) -> None:
        model = self._model_path()
        if model is None:
            return
        samples = np.ascontiguousarray(recording.samples_16k, dtype=np.float32)
        self._request = self._engine.transcribe(
            model, pcm=samples.astype("<f4").tobytes(), language=self._language(),
            use_gpu=self._services.settings.current.speech.use_gpu)
        self._recording = None
        self._bar.show_transcribing()
        self.key.set_recording(True)  # Esc cancels the transcription
        run_in_background(self._store.add_recording, samples, 16000,
                          _recording_name(recording.duration_s),
                          on_done=self._recording_stored, on_error=self._recording_not_stored)

    @Slot(object)
    def _recording_stored(self, recording: AudioAttachment) -> None:
        if self._request is not None:
            self._recording = recording
        elif self._pending is None:
            self._pending = recording  # the transcript already arrived

    @Slot(str)
    def _recording_not_stored(self, message: str) -> None:
        log.warning("the recording could not be kept: %s", message)

    def transcribe_files(self, paths: list[str]) -> None:
        """Transcribe dropped audio files (one at a time) into the composer as text."""
        if not paths:
            return
        if self.is_transcribing or self.is_recording:
            self._notice.show_info(self.tr(
                "Mosaic is still busy with a recording; try again when it is done."))
            return
        model = self._model_path()
        if model is None:
            return
        path = paths[0]
        self._request_file = path
        self._request = self._engine.transcribe(
            model, audio_path=path, language=self._language(),
            use_gpu=self._services.settings.current.speech.use_gpu)
        self._bar.show_transcribing()
        self.key.set_recording(True)
        if len(paths) > 1:
            self._notice.show_info(self.tr(
                "Mosaic transcribes one recording at a time; drop the others when this one is "
                "done."))

    @Slot(int, float)
    def _progress(self, request_id: int, fraction: float) -> None:
        if request_id == self._request:
            self._bar.show_progress(fraction)

    @Slot(object)
    def _transcribed(self, done: TranscriptionDone) -> None:
        if done.request_id != self._request:
            return
        file, self._request_file = self._request_file, None
        cancelled, self._cancelled = self._cancelled, False
        self._request = None
        self.key.set_recording(False)
        self._bar.hide_bar()
        text = done.text.strip()
        if cancelled and file is None:  # the person took the question back
            self._recording = None
            return
        if file is not None:
            if text:
                self._composer.set_text(self._file_block(file, done, text)
                                        + self._composer.text())
                self._composer.focus_input()
            elif done.audio_s:
                self._notice.show_info(self.tr("{file} has no speech Mosaic could hear.").format(
                    file=Path(file).name))
            return
        recording, self._recording = self._recording, None
        if not text:
            if done.audio_s or done.elapsed_s:
                self._notice.show_info(self.tr(NOTHING_HEARD))
            return
        if self._services.settings.current.speech.auto_send:
            self.spokenMessageReady.emit(text, recording)
        else:
            existing = self._composer.text().rstrip()
            self._composer.set_text(f"{existing} {text}".strip())
            self._composer.focus_input()
            self._pending = recording

    def _file_block(self, file: str, done: TranscriptionDone, text: str) -> str:
        minutes, seconds = divmod(int(done.audio_s), 60)
        heading = self.tr("Transcript of {file} ({duration}):").format(
            file=Path(file).name, duration=f"{minutes}:{seconds:02d}")
        return f"{heading}\n\n{text}\n\n"

    @Slot(object)
    def _failed(self, error: EngineError) -> None:
        if error.request_id is None or error.request_id != self._request:
            return
        self._request = None
        self._request_file = None
        self._recording = None
        self._cancelled = False
        self.key.set_recording(False)
        self._bar.hide_bar()
        self._notice.show_error(error.message)

    # --- the microphone test in Settings -------------------------------------------------

    @Slot(object)
    def connect_settings_dialog(self, dialog: Any) -> None:
        """Let the Speech section's Test button show the chosen microphone's level."""
        self._test_dialog = dialog
        dialog.speech.testRequested.connect(self.test_microphone)
        dialog.finished.connect(self._end_test)

    @Slot(object)
    def test_microphone(self, device_name: str | None) -> None:
        self._end_test()
        group = self._test_dialog.speech
        try:
            recorder = self._recorder_for(device_name)
            recorder.start()
        except MicrophoneError as exc:
            group.set_test_message(str(exc))
            return
        self._test_recorder = recorder
        group.set_testing(True)
        group.set_test_message(self.tr("Speak: the bar shows what the microphone hears."))
        self._test_timer.start()

    @Slot()
    def _update_test_meter(self) -> None:
        recorder = self._test_recorder
        if recorder is None:
            return
        self._test_dialog.speech.set_test_level(recorder.level())
        problem = recorder.problem()
        if problem is not None or recorder.elapsed_s() >= TEST_SECONDS:
            self._end_test()
            if problem is not None:
                self._test_dialog.speech.set_test_message(str(problem))

    @Slot()
    def _end_test(self) -> None:
        self._test_timer.stop()
        recorder, self._test_recorder = self._test_recorder, None
        if recorder is not None:
            recorder.cancel()
            if self._test_dialog is not None:
                self._test_dialog.speech.set_testing(False)

    # --- playing back ------------------------------------------------------------------

    @Slot(str)
    def play(self, path: str) -> None:
        try:
            duration_s = play_file(Path(path))
        except PlaybackError as exc:
            self._notice.show_error(str(exc))
            return
        self.playbackChanged.emit(path)
        self._playback_timer.start(int(duration_s * 1000) + 150)

    @Slot()
    def stop_playing(self) -> None:
        self._playback_timer.stop()
        stop_playback()
        self.playbackChanged.emit(None)
