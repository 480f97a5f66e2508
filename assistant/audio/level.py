"""Loudness of a block of samples for a level meter: RMS in dBFS, −60…0 mapped to 0…1."""

from __future__ import annotations

import numpy as np

SILENCE_DBFS = -60.0  # at or below this the meter shows nothing


def rms_dbfs(block: np.ndarray) -> float:
    """RMS level of ``block`` (any shape, full scale ±1.0) in dBFS; −inf for digital silence."""
    if block.size == 0:
        return float("-inf")
    samples = np.asarray(block, dtype=np.float64)
    rms = float(np.sqrt(np.mean(np.square(samples))))
    return 20.0 * float(np.log10(rms)) if rms > 0.0 else float("-inf")


def rms_level(block: np.ndarray) -> float:
    """Meter position 0…1 of ``block``: −60 dBFS (or quieter) is 0, full-scale RMS is 1."""
    dbfs = rms_dbfs(block)
    if dbfs <= SILENCE_DBFS:
        return 0.0
    return min(1.0, (dbfs - SILENCE_DBFS) / -SILENCE_DBFS)
