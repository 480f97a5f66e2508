"""Speech to text in the engine process: a ``Transcribe`` request in, its events out.

What happens to a request (see :meth:`SpeechEngine.transcribe`):

1. the audio: the recorded ``pcm`` (float32 LE mono 16 kHz), or ``audio_path`` decoded by
   :mod:`assistant.audio.decode` 30 s at a time;
2. silero-vad finds the speech (:mod:`assistant.engine.voice_activity`). None at all →
   ``TranscriptionDone`` with text "": Whisper never sees silence or noise (on silence it
   invents "Thank you.");
3. the speech is packed into windows of at most 30 s (a recording keeps its pauses, a file
   loses silences longer than a second) and each window is transcribed on its own length
   (:mod:`assistant.engine.whisper_decode`), greedily, in the language asked for or the one
   detected in the first window. A window whose text is only Whisper's non-speech markers
   ("[BLANK_AUDIO]", "(music)") or that Whisper itself judges to hold no speech adds nothing;
4. ``TranscriptionProgress`` follows audio over 30 s (and any with more than one window);
   a Cancel is honoured between decoded blocks, VAD batches and generated tokens.

The model (:mod:`assistant.engine.whisper_checkpoint`) is loaded on the first request for
its path and kept; another path or device replaces it. torch and whisper are imported only
then: an engine that only answers text never loads them.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from assistant.core.protocol import (
    ErrorCode,
    Event,
    Transcribe,
    TranscriptionDone,
    TranscriptionProgress,
)
from assistant.engine.backend import BackendError
from assistant.engine.voice_activity import (
    GAP_KEPT_S,
    SAMPLE_RATE,
    SpeechWindow,
    VoiceActivityDetector,
    speech_windows,
)

if TYPE_CHECKING:
    from assistant.engine.whisper_decode import WhisperRunner, WindowTranscript

log = logging.getLogger(__name__)

LONG_RECORDING_S = 30.0  # longer audio reports its progress
BLOCK_S = 30.0  # a file is decoded this much at a time (a Cancel is checked between)
DECODE_SHARE = 0.05  # of the progress of a long recording: decoding the file
VAD_SHARE = 0.05  # finding the speech; the rest is Whisper, window by window
# Whisper's own rule for a window without speech (its transcribe.py): drop what it "heard"
NO_SPEECH_PROB = 0.6
LOW_AVG_LOGPROB = -1.0
# What Whisper writes for non-speech that got past the VAD: "[BLANK_AUDIO]", "(music)",
# "* wind blowing *", "♪♪" — a window whose whole text is such markers says nothing.
_MARKERS_ONLY = re.compile(r"^(\s*(\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|[♪♫♬#~.…\-]+))*\s*$")


class SpeechControl(Protocol):
    """What the speech engine needs from the host: send events, check for a Cancel."""

    def emit(self, event: Event) -> None: ...

    def should_stop(self) -> bool: ...


class _Stopped(Exception):
    """The running Transcribe was cancelled (or the engine is shutting down)."""


@dataclass
class _Loaded:
    path: str
    device: str
    runner: WhisperRunner


class SpeechEngine:
    """Owns the Whisper model and the VAD of one engine process (one request at a time).

    ``threads``: torch's CPU threads (default: the physical cores). ``fast_decoding``:
    see :class:`~assistant.engine.whisper_decode.WhisperRunner` (tests turn it off to
    compare).
    """

    def __init__(self, threads: int | None = None, fast_decoding: bool = True) -> None:
        self._threads = threads
        self._fast_decoding = fast_decoding
        self._loaded: _Loaded | None = None
        self._vad = VoiceActivityDetector()
        self._encode_threads = self._decode_threads = 1  # set by _configure_torch

    @property
    def runner(self) -> WhisperRunner | None:
        """The loaded model, if any (for tests and measurements)."""
        return self._loaded.runner if self._loaded is not None else None

    # --- the request --------------------------------------------------------------

    def transcribe(self, request: Transcribe, control: SpeechControl) -> TranscriptionDone:
        """The transcript of ``request``; raises BackendError (SPEECH_MODEL, AUDIO,
        BAD_REQUEST) with one sentence for the person.

        A Cancel while it runs ends it with a ``TranscriptionDone`` holding the text of the
        windows already transcribed ("" before the first one; ``speech_s`` counts only
        their speech), as a stopped answer keeps the text it streamed.
        """
        started = time.perf_counter()
        source = _AudioSource.of(request)  # a missing or unreadable file fails here, at once
        self._configure_torch()
        runner = self._runner(request)  # before the VAD: a bad model fails even on silence
        language = _checked_language(request.language, runner)
        long_recording = source.duration_s > LONG_RECORDING_S
        progress = _Progress(control, request.request_id, enabled=long_recording)

        def check_stop() -> None:
            if control.should_stop():
                raise _Stopped

        texts: list[str] = []
        audio_s = source.duration_s
        speech_s = 0.0
        try:
            try:
                audio = source.read(check_stop, lambda f: progress.report(f * DECODE_SHARE))
            except MemoryError:
                raise BackendError(ErrorCode.AUDIO,
                                   f"{source.name} is too long to transcribe in the memory "
                                   "this computer has free; split it into shorter parts."
                                   ) from None
            audio_s = len(audio) / SAMPLE_RATE
            spans = self._vad.speech_spans(
                audio, check_stop, lambda f: progress.report(DECODE_SHARE + f * VAD_SHARE))
            windows = speech_windows(spans, source.max_gap_samples)
            total = sum(w.samples for w in windows)
            done = 0
            progress.enabled = long_recording or len(windows) > 1
            for window in windows:
                check_stop()
                result = self._transcribe_window(runner, audio, window, language, check_stop)
                language = result.language
                if result.text:
                    texts.append(result.text)
                done += window.samples
                speech_s = done / SAMPLE_RATE
                progress.report(1.0 if done >= total else DECODE_SHARE + VAD_SHARE
                                + (1 - DECODE_SHARE - VAD_SHARE) * done / total)
        except _Stopped:
            log.info("speech: request %s stopped after %.1f s of speech", request.request_id,
                     speech_s)
        return TranscriptionDone(request.request_id, " ".join(texts), language or "",
                                 audio_s, speech_s, time.perf_counter() - started)

    def _transcribe_window(self, runner: WhisperRunner, audio: np.ndarray,
                           window: SpeechWindow, language: str | None,
                           check_stop: Callable[[], None]) -> WindowTranscript:
        import torch

        from assistant.engine.whisper_decode import WindowTranscript

        with torch.inference_mode():
            features = runner.features(window.audio(audio))
            check_stop()
            torch.set_num_threads(self._decode_threads)
            try:
                language = language or runner.detect_language(features)
                result = runner.decode(features, language, check_stop)
            finally:
                torch.set_num_threads(self._encode_threads)
        if not _says_something(result):
            return WindowTranscript("", result.language, result.no_speech_prob,
                                    result.avg_logprob, result.encoder_frames)
        return result

    # --- the model ----------------------------------------------------------------

    def _configure_torch(self) -> None:
        """torch's CPU threads: the engine's setting, or the physical cores; half as many
        (at least one) while decoding. Set for every request: importing a library
        (silero_vad sets one thread) may have changed them.

        Decoding is a few hundred tiny operations per token, each a parallel region whose
        threads meet at a barrier: on a busy machine one descheduled thread stalls them all.
        Measured on 2 cores with other work running, 20 s of speech decoded in 5.5-7.2 s on
        2 threads and 1.1 s on one (0.8 s on 2 threads when the machine is quiet). The
        encoder does large matrix products and keeps every thread.
        """
        import torch

        from assistant.core.hardware import physical_cores

        self._encode_threads = max(1, self._threads or physical_cores())
        self._decode_threads = max(1, self._encode_threads // 2)
        torch.set_num_threads(self._encode_threads)

    def _runner(self, request: Transcribe) -> WhisperRunner:
        if not request.model_path.strip():
            raise BackendError(ErrorCode.SPEECH_MODEL,
                               "No speech model is chosen; choose a Whisper model in "
                               "Settings.")
        import torch

        device = "cuda" if request.use_gpu and torch.cuda.is_available() else "cpu"
        path = str(Path(request.model_path).expanduser())
        loaded = self._loaded
        if loaded is not None and (loaded.path, loaded.device) == (path, device):
            return loaded.runner
        self.close()
        from assistant.engine.whisper_checkpoint import load_whisper_checkpoint
        from assistant.engine.whisper_decode import WhisperRunner

        try:
            model = load_whisper_checkpoint(Path(path), torch.device(device))
        except (MemoryError, torch.cuda.OutOfMemoryError):
            raise BackendError(ErrorCode.SPEECH_MODEL,
                               f"The speech model {Path(path).name} does not fit in the "
                               "memory that is free; choose a smaller Whisper model.") from None
        runner = WhisperRunner(model, fast_decoding=self._fast_decoding)
        self._loaded = _Loaded(path, device, runner)
        log.info("speech: loaded %s on %s", Path(path).name, device)
        return runner

    def close(self) -> None:
        """Free the model (a later request loads it again)."""
        if self._loaded is None:
            return
        device = self._loaded.device
        self._loaded = None
        if device == "cuda":
            import torch

            torch.cuda.empty_cache()


@dataclass(frozen=True)
class _AudioSource:
    """The audio of a request: a recording (``pcm``) or a file, checked before it is read."""

    pcm: np.ndarray | None
    path: Path | None
    duration_s: float

    @classmethod
    def of(cls, request: Transcribe) -> _AudioSource:
        if request.audio_path and request.pcm:
            raise BackendError(ErrorCode.BAD_REQUEST,
                               "A transcription takes a recording or a file, not both.")
        if request.audio_path:
            from assistant.audio.decode import AudioFileError, probe_audio_file

            path = Path(request.audio_path)
            try:
                info = probe_audio_file(path)
            except AudioFileError as exc:
                raise BackendError(ErrorCode.AUDIO, str(exc)) from None
            return cls(None, path, info.duration_s)
        if len(request.pcm) % 4:
            raise BackendError(ErrorCode.AUDIO,
                               "The recording is damaged (it ends in the middle of a "
                               "sample); record your question again.")
        audio = np.frombuffer(request.pcm, dtype="<f4").astype(np.float32)
        if not np.isfinite(audio).all():
            audio = np.nan_to_num(audio, nan=0.0, posinf=1.0, neginf=-1.0)
        audio = np.clip(audio, -1.0, 1.0)
        return cls(audio, None, len(audio) / SAMPLE_RATE)

    @property
    def name(self) -> str:
        return f'"{self.path.name}"' if self.path is not None else "The recording"

    @property
    def max_gap_samples(self) -> int | None:
        """A recording keeps its pauses; a file loses silences longer than GAP_KEPT_S."""
        return None if self.path is None else int(GAP_KEPT_S * SAMPLE_RATE)

    def read(self, check_stop: Callable[[], None],
             progress: Callable[[float], None]) -> np.ndarray:
        """Float32 mono 16 kHz samples; a file is decoded ``BLOCK_S`` at a time, with
        ``check_stop`` (which raises to stop) between blocks."""
        if self.pcm is not None:
            return self.pcm
        assert self.path is not None
        from assistant.audio.decode import AudioFileError, iter_audio_blocks

        expected = max(1, round(self.duration_s * SAMPLE_RATE))
        audio = np.empty(expected + SAMPLE_RATE, dtype=np.float32)  # (MP3 lengths are guesses)
        decoded = 0
        try:
            for block in iter_audio_blocks(self.path, BLOCK_S):
                if decoded + len(block) > len(audio):
                    audio = np.concatenate([audio[:decoded], np.empty_like(block)])
                audio[decoded:decoded + len(block)] = block
                decoded += len(block)
                progress(min(1.0, decoded / expected))
                check_stop()
        except AudioFileError as exc:
            raise BackendError(ErrorCode.AUDIO, str(exc)) from None
        return audio[:decoded]


class _Progress:
    """Sends TranscriptionProgress when enabled, at most once per percent."""

    def __init__(self, control: SpeechControl, request_id: int, enabled: bool) -> None:
        self.control = control
        self.request_id = request_id
        self.enabled = enabled
        self.last = -1.0

    def report(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        if self.enabled and (fraction - self.last >= 0.01 or fraction >= 1.0 > self.last):
            self.last = fraction
            self.control.emit(TranscriptionProgress(self.request_id, fraction))


def _checked_language(language: str | None, runner: WhisperRunner) -> str | None:
    """The language to decode in, or None to detect it; BackendError when impossible."""
    from whisper.tokenizer import LANGUAGES, TO_LANGUAGE_CODE

    if language is None or language.strip().lower() in ("", "auto"):
        return None if runner.multilingual else "en"
    code = language.strip().lower()
    code = TO_LANGUAGE_CODE.get(code, code)  # "english" → "en"
    if code not in LANGUAGES:
        raise BackendError(ErrorCode.BAD_REQUEST,
                           f"Whisper does not know the language {language!r}; use a "
                           "language code such as en or zh, or let Mosaic detect it.")
    if code != "en" and not runner.multilingual:
        raise BackendError(ErrorCode.SPEECH_MODEL,
                           f"This Whisper model understands English only, not "
                           f"{LANGUAGES[code].title()}; choose a multilingual Whisper model "
                           "(such as tiny or base, without .en).")
    return code


def _says_something(result: WindowTranscript) -> bool:
    """False for what Whisper writes when a window holds no speech after all."""
    if not result.text.strip() or _MARKERS_ONLY.match(result.text):
        return False
    return not (result.no_speech_prob > NO_SPEECH_PROB
                and result.avg_logprob < LOW_AVG_LOGPROB)


__all__ = ["SpeechControl", "SpeechEngine"]
