"""Level meter and resampling to Whisper's 16 kHz (assistant.audio.level, .resample)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.level import rms_dbfs, rms_level
from assistant.audio.resample import WHISPER_RATE, StreamResampler, to_mono, to_whisper_rate


def sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def test_level_maps_minus_60_to_0_dbfs_onto_the_meter() -> None:
    assert rms_level(np.zeros(1024, np.float32)) == 0.0
    assert rms_level(np.zeros(0, np.float32)) == 0.0
    assert rms_level(np.full(1024, 1.0, np.float32)) == pytest.approx(1.0)
    assert rms_level(np.full(1024, 10 ** (-30 / 20), np.float32)) == pytest.approx(0.5, abs=1e-3)
    assert rms_level(np.full(1024, 10 ** (-70 / 20), np.float32)) == 0.0
    loud = sine(440, 0.1, 48000, amplitude=1.0)  # RMS of a full-scale sine: −3 dBFS
    assert rms_dbfs(loud) == pytest.approx(-3.01, abs=0.05)
    assert rms_level(loud) == pytest.approx(57 / 60, abs=0.01)
    stereo = np.stack([loud, loud], axis=1)
    assert rms_level(stereo) == pytest.approx(rms_level(loud))


def test_mono_downmix_averages_channels() -> None:
    left = np.array([1.0, 0.5, 0.0], np.float32)
    right = np.array([0.0, 0.5, -1.0], np.float32)
    mono = to_mono(np.stack([left, right], axis=1))
    assert mono.dtype == np.float32
    np.testing.assert_allclose(mono, [0.5, 0.5, -0.5])
    np.testing.assert_array_equal(to_mono(left[:, None]), left)
    with pytest.raises(ValueError):
        to_mono(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000, 96000])
def test_resampling_keeps_length_pitch_and_loudness(rate: int) -> None:
    tone = sine(1000, 2.0, rate)
    out = to_whisper_rate(np.stack([tone, tone], axis=1), rate)
    assert out.dtype == np.float32 and out.ndim == 1
    assert abs(len(out) - 2 * WHISPER_RATE) <= 1
    assert dominant_frequency(out, WHISPER_RATE) == pytest.approx(1000, abs=2)
    middle = out[WHISPER_RATE // 2: -WHISPER_RATE // 2]
    assert np.sqrt(np.mean(middle ** 2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.01)


def test_resampling_removes_what_16_khz_cannot_hold() -> None:
    high = sine(12000, 1.0, 48000)  # above the 8 kHz Nyquist limit: must not alias into speech
    out = to_whisper_rate(high, 48000)
    assert np.sqrt(np.mean(out[1000:-1000] ** 2)) < 0.005


def test_16_khz_input_is_passed_through() -> None:
    tone = sine(300, 0.5, WHISPER_RATE)
    np.testing.assert_array_equal(to_whisper_rate(tone, WHISPER_RATE), tone)
    assert to_whisper_rate(np.zeros(0, np.float32), 44100).shape == (0,)
    with pytest.raises(ValueError):
        to_whisper_rate(tone, 0)


def test_stream_resampler_equals_one_call() -> None:
    rng = np.random.default_rng(1)
    noise = rng.standard_normal((44100 * 3, 2)).astype(np.float32) * 0.1
    resampler = StreamResampler(44100)
    pieces = [resampler.push(noise[i:i + 7000]) for i in range(0, len(noise), 7000)]
    streamed = np.concatenate([*pieces, resampler.finish()])
    np.testing.assert_allclose(streamed, to_whisper_rate(noise, 44100), atol=1e-6)


def test_the_audio_package_imports_neither_qt_nor_models_nor_portaudio() -> None:
    """Decoding a file in the engine, or a meter in the window, loads only what it needs."""
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys\n"
              "import assistant.audio.capture, assistant.audio.decode\n"
              "print(sorted(m for m in ('PySide6', 'torch', 'whisper', 'llama_cpp', "
              "'sounddevice') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
