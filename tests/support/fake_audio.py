"""A test microphone: an input stream that plays a numpy clip through the Recorder's callback.

``FakeInputStream`` accepts the keyword arguments ``sounddevice.InputStream`` is called with
and behaves like a PortAudio callback stream: fixed-size blocks in one reused buffer, handed to
the callback from its own thread, paced like a real device (``speed`` times faster), ending in
an unplug (callbacks stop, ``active`` turns False, ``stop()`` may raise PortAudioError) when
asked. With ``speed=None`` nothing runs by itself: the test calls ``feed()``.

    microphone = fake_stream_factory(clip, 44100, channels=2)
    recorder = Recorder(stream_factory=microphone)   # records from microphone.device
    recorder.start(); microphone.stream.wait_fed(); recording = recorder.stop()
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sounddevice import PortAudioError

from assistant.audio.devices import (
    PA_INVALID_CHANNEL_COUNT,
    PA_INVALID_SAMPLE_RATE,
    PA_UNANTICIPATED_HOST_ERROR,
    InputDevice,
)

AfterClip = Literal["pause", "silence", "unplug"]
ALSA_HOST_API = 0
ENODEV = -19


@dataclass
class FakeCallbackFlags:
    """Stands in for sounddevice.CallbackFlags."""

    input_overflow: bool = False

    def __bool__(self) -> bool:
        return self.input_overflow


class FakeInputStream:
    """Feeds ``clip`` ((frames,) or (frames, channels), float32 at ``clip_rate``) as a device.

    after_clip: "pause" stops calling back but stays active (a device in a silent room that a
    test stops at once), "silence" goes on with zeros, "unplug" unplugs at the end.
    unplug_after_s: unplug once that much of the clip was delivered; with ``unplug_raises``
    ``stop()`` then raises the PortAudioError ALSA gives for a vanished device.
    overflow_blocks: indices of blocks flagged as input overflow.
    """

    def __init__(self, *, samplerate: float, channels: int, callback: Callable[..., None],
                 dtype: str = "float32", device: Any = None, blocksize: int = 0,
                 finished_callback: Callable[[], None] | None = None,
                 clip: np.ndarray, clip_rate: int, speed: float | None = 10.0,
                 after_clip: AfterClip = "pause", unplug_after_s: float | None = None,
                 unplug_raises: bool = False, overflow_blocks: frozenset[int] = frozenset(),
                 refuse_channels: frozenset[int] = frozenset(), fail_start: Exception | None = None,
                 **_ignored: Any) -> None:
        if int(samplerate) != clip_rate:
            raise PortAudioError("Error opening InputStream: Invalid sample rate",
                                 PA_INVALID_SAMPLE_RATE)
        if channels in refuse_channels:
            raise PortAudioError("Error opening InputStream: Invalid number of channels",
                                 PA_INVALID_CHANNEL_COUNT)
        if dtype != "float32":
            raise ValueError("the fake microphone only delivers float32")
        self.samplerate = float(samplerate)
        self.channels = channels
        self.dtype = dtype
        self.device = device
        self.blocksize = blocksize or 1024
        self._callback = callback
        self._finished_callback = finished_callback
        self._clip = _shape_channels(np.asarray(clip, dtype=np.float32), channels)
        self._speed = speed
        self._after_clip = after_clip
        self._unplug_at = (None if unplug_after_s is None
                           else round(unplug_after_s * clip_rate))
        self._unplug_raises = unplug_raises
        self._overflow_blocks = overflow_blocks
        self._fail_start = fail_start
        self._buffer = np.zeros((self.blocksize, channels), dtype=np.float32)  # reused
        self._position = 0  # frames of the clip delivered
        self._blocks_sent = 0
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self.fed = threading.Event()  # the clip is delivered, or the device unplugged
        self.unplugged = False
        self.active = False
        self.stopped = True
        self.closed = False

    # -- sounddevice.InputStream's interface --------------------------------------------------

    def start(self) -> None:
        if self.closed:
            raise PortAudioError("Error starting stream: Bad stream pointer", -9988)
        if self._fail_start is not None:
            raise self._fail_start
        self.active, self.stopped = True, False
        self._halt.clear()
        if self._speed is not None:
            self._thread = threading.Thread(target=self._run, name="fake-microphone",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None
        was_unplugged = self.unplugged
        self.active, self.stopped = False, True
        if was_unplugged and self._unplug_raises:
            raise PortAudioError("Error stopping stream: Unanticipated host error",
                                 PA_UNANTICIPATED_HOST_ERROR,
                                 (ALSA_HOST_API, ENODEV, "No such device"))
        if not was_unplugged and self._finished_callback is not None:
            self._finished_callback()

    abort = stop

    def close(self) -> None:
        if not self.stopped:
            with contextlib.suppress(PortAudioError):
                self.stop()
        self.closed = True

    # -- the test's side ----------------------------------------------------------------------

    @property
    def delivered_s(self) -> float:
        return self._position / self.samplerate

    def wait_fed(self, timeout: float = 10.0) -> None:
        """Wait until the clip was delivered (or the device unplugged)."""
        if not self.fed.wait(timeout):
            raise TimeoutError(f"the fake microphone delivered only {self.delivered_s:.2f} s")

    def feed(self, seconds: float | None = None) -> None:
        """Deliver ``seconds`` more of the clip now, on this thread (None: all of it)."""
        frames = None if seconds is None else round(seconds * self.samplerate)
        sent = 0
        while self.active and (frames is None or sent < frames):
            if frames is None and self.fed.is_set():
                return
            delivered = self._deliver_one()
            if delivered == 0:
                return
            sent += delivered

    def unplug(self) -> None:
        """Pull the plug now: callbacks stop and ``active`` turns False."""
        with self._lock:
            if self.unplugged or not self.active:
                return
            self.unplugged = True
            self.active = False
        self.fed.set()
        self._halt.set()
        if self._finished_callback is not None:
            self._finished_callback()

    # -- the device's side --------------------------------------------------------------------

    def _run(self) -> None:
        period = self.blocksize / self.samplerate / (self._speed or 1.0)
        next_at = time.monotonic()
        while not self._halt.is_set():
            if self.fed.is_set() and self._after_clip == "pause":
                self._halt.wait(period)
                continue
            self._deliver_one()
            next_at += period
            self._halt.wait(max(0.0, next_at - time.monotonic()))

    def _deliver_one(self) -> int:
        """Hand one block to the callback; the frames it held (0 when nothing was sent)."""
        if self._unplug_at is not None and self._position >= self._unplug_at:
            self.unplug()
            return 0
        clip_left = len(self._clip) - self._position
        if clip_left <= 0:
            self.fed.set()
            if self._after_clip == "unplug":
                self.unplug()
                return 0
            if self._after_clip == "pause":
                return 0
            self._buffer.fill(0.0)  # "silence"
            self._send()
            return self.blocksize
        count = min(self.blocksize, clip_left)
        if self._unplug_at is not None:
            count = min(count, self._unplug_at - self._position)
        self._buffer[:count] = self._clip[self._position:self._position + count]
        self._buffer[count:] = 0.0
        self._position += count
        self._send()
        if self._position >= len(self._clip) and self._after_clip != "unplug":
            self.fed.set()
        return count

    def _send(self) -> None:
        with self._lock:
            if not self.active:
                return
        flags = FakeCallbackFlags(input_overflow=self._blocks_sent in self._overflow_blocks)
        self._blocks_sent += 1
        self._callback(self._buffer, self.blocksize, None, flags)


def _shape_channels(clip: np.ndarray, channels: int) -> np.ndarray:
    """The clip as (frames, channels): extra channels dropped, missing ones copied from 0."""
    if clip.ndim == 1:
        clip = clip[:, None]
    if clip.shape[1] >= channels:
        return np.ascontiguousarray(clip[:, :channels])
    return np.repeat(clip[:, :1], channels, axis=1)


class FakeMicrophone:
    """A stream factory for Recorder: every stream it opens plays ``clip``.

    ``device`` describes it (native rate ``rate``, ``channels`` channels) so that
    ``Recorder(stream_factory=microphone)`` records from it; ``streams`` lists what was opened.
    """

    def __init__(self, clip: np.ndarray, rate: int, channels: int | None = None,
                 name: str = "Test microphone", **options: Any) -> None:
        clip = np.asarray(clip, dtype=np.float32)
        self.clip = clip
        self.rate = rate
        self.channels = channels or (1 if clip.ndim == 1 else clip.shape[1])
        self.options = options
        self.device = InputDevice(index=0, name=name, host_api="Test",
                                  max_input_channels=self.channels, default_rate=rate,
                                  is_default=True)
        self.streams: list[FakeInputStream] = []
        self.opened_with: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> FakeInputStream:
        self.opened_with.append({k: v for k, v in kwargs.items() if "callback" not in k})
        stream = FakeInputStream(clip=self.clip, clip_rate=self.rate, **self.options, **kwargs)
        self.streams.append(stream)
        return stream

    @property
    def stream(self) -> FakeInputStream:
        """The stream opened last."""
        if not self.streams:
            raise AssertionError("no stream was opened from the fake microphone")
        return self.streams[-1]


def fake_stream_factory(clip: np.ndarray, rate: int, channels: int | None = None,
                        **options: Any) -> FakeMicrophone:
    """A FakeMicrophone playing ``clip`` at ``rate`` Hz; ``options`` go to FakeInputStream
    (speed, after_clip, unplug_after_s, unplug_raises, overflow_blocks, refuse_channels,
    fail_start)."""
    return FakeMicrophone(clip, rate, channels, **options)


def spoken_clip(text: str, folder: Path) -> tuple[np.ndarray, int]:
    """Real speech: ``text`` spoken by espeak-ng, as float32 mono and its rate (22050 Hz)."""
    import soundfile

    exe = shutil.which("espeak-ng")
    if exe is None:
        import pytest

        pytest.skip("espeak-ng is not installed (Debian package espeak-ng)")
    path = folder / "spoken.wav"
    subprocess.run([exe, "-w", str(path), text], check=True, capture_output=True, timeout=60)
    samples, rate = soundfile.read(str(path), dtype="float32")
    return samples, rate
