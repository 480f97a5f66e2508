"""Real speech for tests and benchmarks: espeak-ng phrases as 16 kHz float32 mono clips.

espeak-ng writes 22050 Hz wav; soxr resamples it to Whisper's 16 kHz. Clips are cached per
process (a test session or a benchmark run), keyed by text and padding. The phrases below
are ones Whisper tiny.en transcribes word for word from espeak-ng's voice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
SHARED_WHISPER = Path(__file__).resolve().parents[3] / "shared" / "models" / "whisper-tiny.en.pt"

# about 3, 6 and 20 seconds of speech
PHRASE_3S = "What is the capital of France? Please answer in one word."
PHRASE_6S = ("Can you write a short email to my manager saying that I will be late for the "
             "meeting today because my train was delayed?")
PHRASE_20S = ("The library will be closed on Monday because of the public holiday. Students who "
              "need to return books can use the box next to the main entrance. The reading "
              "rooms will open again on Tuesday morning, and the cafe will be open as usual. "
              "Please remember to bring your student card. We wish all our students and "
              "visitors a very pleasant weekend.")
PHRASES = {"3 s": PHRASE_3S, "6 s": PHRASE_6S, "20 s": PHRASE_20S}


class SpeechUnavailable(Exception):
    """espeak-ng or the Whisper checkpoint is missing; ``str()`` says which (a skip reason)."""


def whisper_tiny_en() -> Path:
    """The shared Whisper tiny.en checkpoint; raises SpeechUnavailable when it is absent."""
    if not SHARED_WHISPER.is_file():
        raise SpeechUnavailable(f"the Whisper tiny.en checkpoint is not at {SHARED_WHISPER} "
                                "(see shared/models/SOURCE.md)")
    return SHARED_WHISPER


def require_espeak() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    return exe


@cache
def _spoken(text: str) -> np.ndarray:
    import soundfile
    import soxr

    exe = require_espeak()
    with tempfile.TemporaryDirectory(prefix="mosaic-espeak-") as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run([exe, "-w", str(wav), text], check=True, capture_output=True,
                       timeout=60)
        samples, rate = soundfile.read(wav, dtype="float32", always_2d=False)
    resampled = soxr.resample(samples, rate, SAMPLE_RATE).astype(np.float32)
    resampled.setflags(write=False)
    return resampled


def speech_clip(text: str, lead_s: float = 0.3, tail_s: float = 0.3) -> np.ndarray:
    """``text`` spoken by espeak-ng, with ``lead_s`` / ``tail_s`` of room noise around it
    (as a push-to-talk recording has: the key is pressed before the first word)."""
    speech = _spoken(text)
    return np.concatenate([room_noise(lead_s, seed=1), speech, room_noise(tail_s, seed=2)])


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def room_noise(seconds: float, seed: int = 0) -> np.ndarray:
    """Very quiet hiss (-60 dBFS), what a microphone records in a silent room."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 0.001, int(seconds * SAMPLE_RATE)).astype(np.float32)


def white_noise(seconds: float, level: float = 0.1, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(0.0, level, int(seconds * SAMPLE_RATE)), -1, 1).astype(np.float32)


def hum_noise(seconds: float, seed: int = 0) -> np.ndarray:
    """A fan: 50 Hz hum and its harmonics over brown (low-frequency) noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    hum = sum(0.05 / k * np.sin(2 * np.pi * 50 * k * t) for k in (1, 2, 3))
    brown = np.cumsum(rng.normal(0.0, 1.0, len(t)))
    brown = brown - np.convolve(brown, np.ones(400) / 400, mode="same")
    brown = 0.05 * brown / (np.abs(brown).max() + 1e-9)
    return (hum + brown).astype(np.float32)


def write_wav(path: Path, audio: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    import soundfile

    soundfile.write(path, audio, rate, subtype="PCM_16")
    return path


def pcm_bytes(audio: np.ndarray) -> bytes:
    """``audio`` as the engine receives a recording: float32 little-endian."""
    return np.ascontiguousarray(audio, dtype="<f4").tobytes()


def normalised(text: str) -> str:
    """Lower case, no punctuation, single spaces: what a transcript is compared by."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference's length, both ``normalised``."""
    ref, hyp = normalised(reference).split(), normalised(hypothesis).split()
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                           previous + (word != other))
    return row[-1] / max(1, len(ref))


__all__ = ["PHRASES", "PHRASE_3S", "PHRASE_6S", "PHRASE_20S", "SAMPLE_RATE",
           "SpeechUnavailable", "hum_noise", "normalised", "pcm_bytes", "require_espeak",
           "room_noise", "silence", "speech_clip", "whisper_tiny_en", "white_noise",
           "word_error_rate", "write_wav"]
