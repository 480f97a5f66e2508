"""Push-to-talk recording: a PortAudio input stream in callback mode, resampled to 16 kHz.

The stream runs at the device's own default rate with up to two channels; its callback only
copies each block into a deque (appending is atomic, never blocks). ``stop()`` joins the
blocks, downmixes to mono and resamples with soxr. A device that stops delivering sound while
recording (unplugged) ends in RecordingInterrupted, which keeps what was recorded.
"""

from __future__ import annotations

import collections
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assistant.audio.devices import (
    InputDevice,
    MicrophoneError,
    MicrophoneProblem,
    find_input_device,
    load_sounddevice,
    microphone_error,
    stream_closed,
    stream_opened,
    unplugged_error,
)
from assistant.audio.level import rms_level
from assistant.audio.resample import WHISPER_RATE, to_mono, to_whisper_rate

MAX_CHANNELS = 2
FALLBACK_RATES = (48000, 44100)  # tried when a device refuses its own default rate


class InputStreamLike(Protocol):
    """The part of ``sounddevice.InputStream`` the Recorder uses."""

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


StreamFactory = Callable[..., InputStreamLike]
"""Called like ``sounddevice.InputStream``: device, samplerate, channels, dtype, blocksize,
callback, finished_callback. A factory may carry a ``device`` attribute (an InputDevice) that a
Recorder created without a device records from (the test microphone does)."""


def portaudio_stream(**kwargs: Any) -> InputStreamLike:
    """A real ``sounddevice.InputStream``."""
    return load_sounddevice().InputStream(**kwargs)


@dataclass(frozen=True)
class Recording:
    """What one push-to-talk recorded: float32 mono at 16 kHz."""

    samples_16k: np.ndarray
    native_rate: int  # the rate the device recorded at
    duration_s: float
    channels: int = 1  # channels the device delivered (downmixed into samples_16k)
    overflows: int = 0  # callbacks that reported lost input (the system was too busy)
    interrupted: bool = False  # the device failed part-way: samples are what came before
    truncated: bool = False  # the length limit was reached: the rest was not kept
    message: str = ""  # the sentence for an interrupted or truncated recording

    @property
    def sample_rate(self) -> int:
        return WHISPER_RATE


class RecordingInterrupted(MicrophoneError):
    """The microphone failed during a recording; ``recording`` keeps what came before."""

    def __init__(self, error: MicrophoneError, recording: Recording) -> None:
        super().__init__(str(error), error.problem, fallback=error.fallback)
        self.recording = recording


class Recorder:
    """Records from one input device between ``start()`` and ``stop()``.

    ``level()`` and ``elapsed_s()`` may be called from another thread (a meter's timer) while
    recording. Without ``device`` the system default microphone is used (or the factory's own
    ``device``); when there is none, MicrophoneError says so here, before anything is opened.
    """

    def __init__(self, device: InputDevice | None = None,
                 stream_factory: StreamFactory | None = None, *,
                 max_duration_s: float = 300.0, stall_timeout_s: float = 3.0,
                 blocksize: int = 0) -> None:
        if device is None:
            device = getattr(stream_factory, "device", None) if stream_factory else None
            if device is None:
                device = find_input_device(None)
        self.device = device
        self._factory: StreamFactory = stream_factory or portaudio_stream
        self.max_duration_s = max_duration_s
        self.stall_timeout_s = stall_timeout_s  # no audio for this long: the device is gone
        self._blocksize = blocksize  # 0: whatever suits the host API
        self._stream: InputStreamLike | None = None
        self._blocks: collections.deque[np.ndarray] = collections.deque()
        self._reset(device.default_rate, 1)

    # -- the audio thread's side --------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        """PortAudio's callback: copy the block and return; never blocks, never raises."""
        self._last_callback_at = time.monotonic()
        if getattr(status, "input_overflow", False):
            self._overflows += 1
        if self._frames >= self._max_frames:
            self._truncated = True
            self._last_block = None
            return
        block = indata.copy()
        self._blocks.append(block)
        self._frames += frames
        self._last_block = block

    def _finished(self) -> None:
        """PortAudio's finished callback: the stream ended, asked to or not."""
        if not self._stopping:
            self._ended_early = True

    # -- the caller's side --------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._stream is not None

    @property
    def native_rate(self) -> int:
        return self._rate

    @property
    def channels(self) -> int:
        return self._channels

    def _reset(self, rate: int, channels: int) -> None:
        self._rate = rate
        self._channels = channels
        self._blocks.clear()
        self._frames = 0
        self._max_frames = int(self.max_duration_s * rate)
        self._overflows = 0
        self._truncated = False
        self._last_block: np.ndarray | None = None
        self._started_at = time.monotonic()
        self._last_callback_at: float | None = None
        self._stopping = False
        self._ended_early = False

    def start(self) -> None:
        """Open the device and start recording; MicrophoneError when it cannot be opened."""
        if self._stream is not None:
            raise RuntimeError("the recorder is already recording")
        channels_to_try = list(dict.fromkeys(
            (max(1, min(MAX_CHANNELS, self.device.max_input_channels)), 1)))
        rates_to_try = list(dict.fromkeys((self.device.default_rate, *FALLBACK_RATES)))
        error: MicrophoneError | None = None
        for rate in rates_to_try:
            for channels in channels_to_try:
                try:
                    self._open(rate, channels)
                    return
                except Exception as exc:
                    error = microphone_error(exc, self.device)
                    if error.problem is not MicrophoneProblem.FORMAT:
                        raise error from exc
        assert error is not None
        raise error

    def _open(self, rate: int, channels: int) -> None:
        self._reset(rate, channels)
        stream = self._factory(
            device=self.device.index, samplerate=rate, channels=channels, dtype="float32",
            blocksize=self._blocksize, callback=self._callback,
            finished_callback=self._finished)
        try:
            stream.start()
        except Exception:
            _close_quietly(stream)
            raise
        self._started_at = time.monotonic()
        self._stream = stream
        stream_opened()

    def elapsed_s(self) -> float:
        """Seconds of audio recorded so far."""
        return self._frames / self._rate

    def level(self) -> float:
        """The current input level 0…1 (RMS of the latest block, −60…0 dBFS), for a meter."""
        block = self._last_block
        if block is None or self.problem() is not None:
            return 0.0
        return rms_level(block)

    def limit_reached(self) -> bool:
        """True once ``max_duration_s`` of audio is recorded; more is not kept."""
        return self._truncated

    @property
    def overflows(self) -> int:
        return self._overflows

    def problem(self) -> MicrophoneError | None:
        """While recording: the sentence when the device has stopped delivering sound."""
        stream = self._stream  # stop() on another thread may clear it meanwhile
        if stream is None:
            return None
        if self._ended_early or not stream.active:
            return unplugged_error(self.device)
        since = self._last_callback_at if self._last_callback_at is not None else self._started_at
        if time.monotonic() - since > self.stall_timeout_s:
            return unplugged_error(self.device)
        return None

    def stop(self) -> Recording:
        """Stop and return the recording at 16 kHz mono.

        RecordingInterrupted (a MicrophoneError) when the device failed during the recording;
        its ``recording`` holds the audio up to the failure.
        """
        stream = self._stream
        if stream is None:
            raise RuntimeError("the recorder is not recording")
        error = self.problem()
        self._stopping = True
        try:
            stream.stop()
        except Exception as exc:
            error = error or microphone_error(exc, self.device, while_recording=True)
        finally:
            _close_quietly(stream)
            self._stream = None
            stream_closed()
        recording = self._collect(error)
        if error is not None:
            raise RecordingInterrupted(error, recording)
        return recording

    def cancel(self) -> None:
        """Stop recording and discard the audio; does nothing when not recording."""
        stream = self._stream
        if stream is None:
            return
        self._stopping = True
        try:
            stream.stop()
        except Exception:
            pass  # the audio is thrown away anyway
        finally:
            _close_quietly(stream)
            self._stream = None
            stream_closed()
        self._blocks.clear()
        self._last_block = None

    def _collect(self, error: MicrophoneError | None) -> Recording:
        blocks = list(self._blocks)
        self._blocks.clear()
        self._last_block = None
        if blocks:
            native = to_mono(np.concatenate(blocks, axis=0))
            del blocks
            # A misbehaving driver can deliver NaN or huge values; Whisper must not see them.
            np.nan_to_num(native, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            np.clip(native, -1.0, 1.0, out=native)
            samples = to_whisper_rate(native, self._rate)
            np.clip(samples, -1.0, 1.0, out=samples)  # (the resampler's ringing on garbage)
        else:
            samples = np.zeros(0, dtype=np.float32)
        message = str(error) if error is not None else ""
        if self._truncated and not message:
            amount, unit = ((self.max_duration_s / 60, "minute") if self.max_duration_s >= 60
                            else (self.max_duration_s, "second"))
            limit = f"{amount:g} {unit}{'' if amount == 1 else 's'}"
            message = (f"Mosaic kept only the first {limit} of the recording; release the key "
                       "sooner, or record in shorter parts.")
        return Recording(
            samples_16k=samples, native_rate=self._rate,
            duration_s=len(samples) / WHISPER_RATE, channels=self._channels,
            overflows=self._overflows, interrupted=error is not None,
            truncated=self._truncated, message=message)


def _close_quietly(stream: InputStreamLike) -> None:
    with contextlib.suppress(Exception):  # a vanished device's stream may fail to close
        stream.close()
