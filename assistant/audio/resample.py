"""Mono downmix and high-quality resampling (soxr) to Whisper's 16 kHz."""

from __future__ import annotations

import numpy as np
import soxr

WHISPER_RATE = 16000
SOXR_QUALITY = "HQ"  # soxr's high quality: the same setting for recordings and files


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Float32 mono of ``samples``: 1-D is kept, a (frames, channels) array is averaged."""
    array = np.asarray(samples)
    if array.ndim == 1:
        return array.astype(np.float32, copy=False)
    if array.ndim != 2:
        raise ValueError(f"audio must be 1-D or (frames, channels), not shape {array.shape}")
    if array.shape[1] == 1:
        return array[:, 0].astype(np.float32)
    return array.mean(axis=1, dtype=np.float32)


def to_whisper_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """Float32 mono at 16 kHz from ``samples`` (1-D or (frames, channels)) at ``rate`` Hz."""
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, not {rate}")
    mono = to_mono(samples)
    if rate == WHISPER_RATE or mono.size == 0:
        return np.ascontiguousarray(mono, dtype=np.float32)
    resampled = soxr.resample(mono, rate, WHISPER_RATE, quality=SOXR_QUALITY)
    return np.ascontiguousarray(resampled, dtype=np.float32)


class StreamResampler:
    """Resamples consecutive blocks to 16 kHz mono; the result equals one ``to_whisper_rate``."""

    def __init__(self, rate: int) -> None:
        if rate <= 0:
            raise ValueError(f"sample rate must be positive, not {rate}")
        self.rate = rate
        self._stream = (None if rate == WHISPER_RATE else
                        soxr.ResampleStream(rate, WHISPER_RATE, 1, dtype="float32",
                                            quality=SOXR_QUALITY))

    def push(self, block: np.ndarray) -> np.ndarray:
        """16 kHz samples for ``block`` (1-D or (frames, channels)); soxr may hold some back."""
        mono = np.ascontiguousarray(to_mono(block), dtype=np.float32)
        if self._stream is None:
            return mono
        return self._stream.resample_chunk(mono, last=False)

    def finish(self) -> np.ndarray:
        """The samples soxr still holds; call once after the last block."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        return self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
