"""Push-to-talk recording (assistant.audio.capture) fed by the test microphone."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soxr
from sounddevice import PortAudioError

from assistant.audio.capture import Recorder, Recording, RecordingInterrupted
from assistant.audio.devices import MicrophoneError, MicrophoneProblem
from assistant.audio.resample import WHISPER_RATE, to_whisper_rate
from tests.support.fake_audio import fake_stream_factory, spoken_clip

NATIVE_RATE = 44100
BLOCK_16K = 1024 * WHISPER_RATE / NATIVE_RATE  # one block of the fake device, at 16 kHz


@pytest.fixture(scope="module")
def phrase(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """Real speech as a stereo 44.1 kHz microphone would deliver it (right channel quieter)."""
    speech, rate = spoken_clip("Push to talk works with this microphone.",
                               tmp_path_factory.mktemp("speech"))
    mono = soxr.resample(speech, rate, NATIVE_RATE).astype(np.float32)
    return np.stack([mono, 0.5 * mono], axis=1)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


def test_recording_speech_gives_16_khz_mono_of_what_was_said(phrase: np.ndarray) -> None:
    microphone = fake_stream_factory(phrase, NATIVE_RATE, speed=20)
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    assert recorder.recording
    microphone.stream.wait_fed()
    assert recorder.elapsed_s() == pytest.approx(len(phrase) / NATIVE_RATE, abs=0.03)
    recording = recorder.stop()

    opened = microphone.opened_with[0]
    assert (opened["samplerate"], opened["channels"], opened["dtype"]) == (NATIVE_RATE, 2,
                                                                           "float32")
    assert microphone.stream.closed and not recorder.recording
    expected = to_whisper_rate(phrase, NATIVE_RATE)
    samples = recording.samples_16k
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert recording.sample_rate == WHISPER_RATE and recording.native_rate == NATIVE_RATE
    assert recording.channels == 2 and not recording.interrupted and recording.message == ""
    assert 0 <= len(samples) - len(expected) <= BLOCK_16K + 1  # the last block is padded
    assert recording.duration_s == pytest.approx(len(samples) / WHISPER_RATE)
    assert correlation(samples, expected) > 0.999
    assert np.abs(samples[len(expected):]).max(initial=0.0) < 0.01


def test_a_device_that_refuses_stereo_records_mono(phrase: np.ndarray) -> None:
    microphone = fake_stream_factory(phrase, NATIVE_RATE, speed=None,
                                     refuse_channels=frozenset({2}))
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    microphone.stream.feed()
    recording = recorder.stop()
    assert [o["channels"] for o in microphone.opened_with] == [2, 1]
    assert recording.channels == 1
    assert correlation(recording.samples_16k, to_whisper_rate(phrase[:, 0], NATIVE_RATE)) > 0.999


def test_a_many_channel_device_is_opened_with_two() -> None:
    clip = np.zeros((4800, 4), np.float32)
    clip[:, 1] = 0.5
    microphone = fake_stream_factory(clip, 48000, speed=None)
    assert microphone.device.max_input_channels == 4
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    microphone.stream.feed()
    recording = recorder.stop()
    assert microphone.opened_with[0]["channels"] == 2
    # channels 0 and 1 averaged: 0.25 everywhere once the resampler settled
    assert np.median(recording.samples_16k) == pytest.approx(0.25, abs=1e-3)


def test_cancel_discards_and_the_next_recording_starts_empty() -> None:
    loud = np.full((NATIVE_RATE, 1), 0.5, np.float32)
    microphone = fake_stream_factory(loud, NATIVE_RATE, speed=None)
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    microphone.stream.feed(0.5)
    assert recorder.elapsed_s() > 0.4
    recorder.cancel()
    assert not recorder.recording and microphone.stream.closed
    assert recorder.level() == 0.0
    recorder.cancel()  # twice is harmless
    with pytest.raises(RuntimeError):
        recorder.stop()

    recorder.start()
    assert recorder.elapsed_s() == 0.0
    microphone.stream.feed(0.25)
    recording = recorder.stop()
    assert recording.duration_s == pytest.approx(0.25, abs=BLOCK_16K / WHISPER_RATE)


def test_level_follows_the_sound() -> None:
    quiet = np.zeros(int(0.2 * NATIVE_RATE), np.float32)
    loud = np.full(int(0.2 * NATIVE_RATE), 0.8, np.float32)
    microphone = fake_stream_factory(np.concatenate([quiet, loud, quiet]), NATIVE_RATE,
                                     speed=None)
    recorder = Recorder(stream_factory=microphone)
    assert recorder.level() == 0.0
    recorder.start()
    stream = microphone.stream
    stream.feed(0.15)
    assert recorder.level() == 0.0
    stream.feed(0.2)
    assert recorder.level() > 0.9
    stream.feed(0.2)
    assert recorder.level() == 0.0
    recorder.stop()
    assert recorder.level() == 0.0


def _check_partial(recording: Recording, phrase: np.ndarray, seconds: float) -> None:
    assert recording.interrupted
    assert recording.duration_s == pytest.approx(seconds, abs=BLOCK_16K / WHISPER_RATE)
    expected = to_whisper_rate(phrase[: round(seconds * NATIVE_RATE)], NATIVE_RATE)
    assert correlation(recording.samples_16k[:-200], expected[:-200]) > 0.99


@pytest.mark.parametrize("stop_raises", [False, True])
def test_unplugging_keeps_what_was_recorded(phrase: np.ndarray, stop_raises: bool) -> None:
    microphone = fake_stream_factory(phrase, NATIVE_RATE, speed=20, unplug_after_s=1.0,
                                     unplug_raises=stop_raises)
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    microphone.stream.wait_fed()
    problem = recorder.problem()
    assert problem is not None and problem.problem is MicrophoneProblem.UNPLUGGED
    assert recorder.level() == 0.0
    with pytest.raises(RecordingInterrupted) as caught:
        recorder.stop()
    error = caught.value
    assert isinstance(error, MicrophoneError)
    assert str(error) == ('The microphone "Test microphone" stopped delivering sound during the '
                          "recording (was it unplugged?); what was recorded until then is kept, "
                          "so plug it back in or choose another microphone in Settings before "
                          "recording again.")
    assert error.recording.message == str(error)
    _check_partial(error.recording, phrase, 1.0)
    assert not recorder.recording


def test_a_device_that_stops_calling_back_counts_as_unplugged(phrase: np.ndarray) -> None:
    """Some hosts keep a vanished device's stream 'active' but never call back again."""
    microphone = fake_stream_factory(phrase[: NATIVE_RATE // 2], NATIVE_RATE, speed=20)
    recorder = Recorder(stream_factory=microphone, stall_timeout_s=0.3)
    recorder.start()
    microphone.stream.wait_fed()
    assert recorder.problem() is None
    time.sleep(0.4)
    assert microphone.stream.active
    assert recorder.problem() is not None
    with pytest.raises(RecordingInterrupted) as caught:
        recorder.stop()
    _check_partial(caught.value.recording, phrase, 0.5)


def test_overflows_are_counted() -> None:
    microphone = fake_stream_factory(np.zeros(NATIVE_RATE, np.float32), NATIVE_RATE,
                                     speed=None, overflow_blocks=frozenset({1, 5}))
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    microphone.stream.feed()
    assert recorder.overflows == 2
    assert recorder.stop().overflows == 2


def test_the_length_limit_keeps_the_beginning(phrase: np.ndarray) -> None:
    microphone = fake_stream_factory(phrase, NATIVE_RATE, speed=None)
    recorder = Recorder(stream_factory=microphone, max_duration_s=0.5)
    recorder.start()
    microphone.stream.feed()
    assert recorder.limit_reached()
    recording = recorder.stop()
    assert recording.truncated and not recording.interrupted
    assert recording.duration_s == pytest.approx(0.5, abs=BLOCK_16K / WHISPER_RATE)
    assert recording.message == ("Mosaic kept only the first 0.5 seconds of the recording; "
                                 "release the key sooner, or record in shorter parts.")


def test_a_busy_device_is_a_sentence_and_leaves_nothing_open() -> None:
    busy = PortAudioError("Error starting stream: Device unavailable", -9985)
    microphone = fake_stream_factory(np.zeros(100, np.float32), NATIVE_RATE, fail_start=busy)
    recorder = Recorder(stream_factory=microphone)
    with pytest.raises(MicrophoneError) as caught:
        recorder.start()
    assert caught.value.problem is MicrophoneProblem.BUSY
    assert '"Test microphone" is being used by another application' in str(caught.value)
    assert not recorder.recording and microphone.stream.closed


def test_stop_right_after_start_gives_an_empty_recording() -> None:
    microphone = fake_stream_factory(np.zeros(100, np.float32), NATIVE_RATE, speed=None)
    recorder = Recorder(stream_factory=microphone)
    recorder.start()
    recording = recorder.stop()
    assert recording.samples_16k.shape == (0,) and recording.duration_s == 0.0


def test_spoken_clip_is_real_speech(tmp_path: Path) -> None:
    speech, rate = spoken_clip("hello", tmp_path)
    assert rate == 22050 and 0.3 < len(speech) / rate < 3 and np.abs(speech).max() > 0.1
