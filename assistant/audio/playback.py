"""Playing a stored recording back through the default output device (non-blocking)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


class PlaybackError(Exception):
    """A recording cannot be played; ``str()`` is one sentence saying what to do."""


def play_file(path: Path) -> float:
    """Start playing a 16-bit WAV recording; returns its length in seconds."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels = wav.getframerate(), wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise PlaybackError("That recording is no longer on disk.") from None
    except (OSError, EOFError, wave.Error) as exc:
        raise PlaybackError(f"That recording cannot be read ({exc}).") from None
    samples = np.frombuffer(frames, "<i2").astype(np.float32) / 32768
    if channels > 1:
        samples = samples.reshape(-1, channels)
    try:
        import sounddevice
    except OSError:
        raise PlaybackError("Sound output is not available: the PortAudio library is "
                            "missing; reinstall Mosaic.") from None
    try:
        sounddevice.play(samples, rate)
    except (sounddevice.PortAudioError, ValueError) as exc:
        raise PlaybackError(f"Mosaic could not play the recording ({exc}); check that a "
                            "speaker or headphones are connected.") from None
    return len(samples) / rate


def stop_playback() -> None:
    try:
        import sounddevice
    except OSError:
        return
    sounddevice.stop()
