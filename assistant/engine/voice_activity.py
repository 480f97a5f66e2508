"""Where the speech is: silero-vad over 16 kHz audio, and the ≤ 30 s windows Whisper reads.

Silero's model judges 512-sample chunks (32 ms) one after another. Its own loop calls the
TorchScript model once per chunk (about 0.6 ms each: 20 ms per second of audio, minutes for
a two-hour file). Everything but its small LSTM looks at one chunk alone, so
:class:`VoiceActivityDetector` runs the model's own feature extractor and encoder on many
chunks in one batch and only the LSTM step by step — the same probabilities (to 1e-5, a
test checks) at a fraction of the cost. Should a future silero-vad change its internals,
the detector falls back to the documented per-chunk loop.

The window builder (:func:`speech_windows`) is plain Python: speech spans in, windows out.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
CHUNK_SAMPLES = 512  # what silero judges at a time at 16 kHz (32 ms)
_CONTEXT_SAMPLES = 64  # the tail of the previous chunk that silero sees with each chunk
_CHUNKS_PER_BATCH = 1024  # ~33 s of audio per batch: bounded memory, a stop check each
SPEECH_THRESHOLD = 0.5
MIN_SPEECH_MS = 250  # shorter blips (a click, a cough) are not speech
MIN_SILENCE_MS = 100
SPEECH_PAD_MS = 200  # kept around each span: Whisper hears word onsets and endings whole
MAX_WINDOW_S = 30.0  # Whisper's context: at most 30 s of audio at a time
GAP_KEPT_S = 1.0  # in files, longer silences between speech are cut out


@dataclass(frozen=True)
class SpeechWindow:
    """Parts of the audio read by Whisper together: ``segments`` are sample ranges, in
    order; shorter silences between them were kept, longer ones cut out."""

    segments: tuple[tuple[int, int], ...]

    @property
    def samples(self) -> int:
        return sum(end - start for start, end in self.segments)

    def audio(self, audio: np.ndarray) -> np.ndarray:
        parts = [audio[start:end] for start, end in self.segments]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def speech_windows(spans: list[tuple[int, int]], max_gap_samples: int | None,
                   max_window_samples: int = int(MAX_WINDOW_S * SAMPLE_RATE)
                   ) -> list[SpeechWindow]:
    """Pack speech ``spans`` (sorted sample ranges) into windows of at most
    ``max_window_samples``.

    A silence between two spans is kept when it is at most ``max_gap_samples`` long
    (``None``: always, as in a short recording) and cut out otherwise. A full window ends at
    its longest pause (in its last two thirds), so that sentences stay whole where the
    speech allows. A span longer than a window (the VAD splits long speech, so only when its
    limits differ) is cut into pieces.
    """
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > max_window_samples:
            pieces.append((start, start + max_window_samples))
            start += max_window_samples
        if end > start:
            pieces.append((start, end))

    def keeps(gap: int) -> bool:
        return max_gap_samples is None or gap <= max_gap_samples

    windows: list[SpeechWindow] = []
    first = 0
    while first < len(pieces):
        lengths = [pieces[first][1] - pieces[first][0]]  # window length ending at each piece
        last = first + 1  # exclusive
        while last < len(pieces):
            gap = pieces[last][0] - pieces[last - 1][1]
            length = lengths[-1] + (gap if keeps(gap) else 0) + pieces[last][1] - pieces[last][0]
            if length > max_window_samples:
                break
            lengths.append(length)
            last += 1
        if last < len(pieces):  # full: end it at the longest pause in its last two thirds
            best, best_gap = last, pieces[last][0] - pieces[last - 1][1]
            for k in range(first + 1, last):
                gap = pieces[k][0] - pieces[k - 1][1]
                if lengths[k - 1 - first] >= max_window_samples // 3 and gap > best_gap:
                    best, best_gap = k, gap
            last = best
        segments: list[tuple[int, int]] = []
        for start, end in pieces[first:last]:
            if segments and keeps(start - segments[-1][1]):
                segments[-1] = (segments[-1][0], end)
            else:
                segments.append((start, end))
        windows.append(SpeechWindow(tuple(segments)))
        first = last
    return windows


class VoiceActivityDetector:
    """Silero VAD, loaded on first use. Not thread-safe: one owner (the speech engine)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lstm: torch.nn.LSTM | None = None  # None: batching unavailable, per-chunk loop

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch

        threads = torch.get_num_threads()
        with warnings.catch_warnings():  # its loader uses APIs that announce their removal
            warnings.simplefilter("ignore", DeprecationWarning)
            from silero_vad import load_silero_vad  # importing it sets torch to one thread

            model = load_silero_vad()
        torch.set_num_threads(threads)
        self._model = model
        try:
            inner = model._model
            rnn = inner.decoder.rnn
            lstm = torch.nn.LSTM(rnn.weight_ih.shape[1], rnn.weight_hh.shape[1])
            with torch.no_grad():
                lstm.weight_ih_l0.copy_(rnn.weight_ih)
                lstm.weight_hh_l0.copy_(rnn.weight_hh)
                lstm.bias_ih_l0.copy_(rnn.bias_ih)
                lstm.bias_hh_l0.copy_(rnn.bias_hh)
            self._lstm = lstm.eval()
            probe = np.random.default_rng(0).normal(0, 0.1, 6 * CHUNK_SAMPLES)
            probe = probe.astype(np.float32)
            batched = self._batched_probabilities(probe, None, None)
            looped = self._looped_probabilities(probe, None, None)
            if max(abs(a - b) for a, b in zip(batched, looped, strict=True)) > 1e-4:
                raise ValueError("batched probabilities differ")
        except Exception as exc:  # another silero-vad version: use its documented loop
            log.info("voice activity: batching unavailable (%s); judging chunk by chunk",
                     exc)
            self._lstm = None

    def speech_probabilities(self, audio: np.ndarray,
                             check_stop: Callable[[], None] | None = None,
                             progress: Callable[[float], None] | None = None) -> list[float]:
        """One speech probability per 512-sample chunk of ``audio`` (float32, 16 kHz).

        ``check_stop`` is called between batches (it raises to stop); ``progress`` gets the
        fraction of the audio judged so far.
        """
        self._load()
        if self._lstm is not None:
            return self._batched_probabilities(audio, check_stop, progress)
        return self._looped_probabilities(audio, check_stop, progress)

    def _batched_probabilities(self, audio: np.ndarray,
                               check_stop: Callable[[], None] | None,
                               progress: Callable[[float], None] | None) -> list[float]:
        import torch

        inner = self._model._model
        chunks = -(-len(audio) // CHUNK_SAMPLES)
        padded = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
        padded = torch.nn.functional.pad(
            padded, (_CONTEXT_SAMPLES, chunks * CHUNK_SAMPLES - len(audio)))
        width = _CONTEXT_SAMPLES + CHUNK_SAMPLES
        probabilities: list[float] = []
        state = None
        with torch.inference_mode():
            for first in range(0, chunks, _CHUNKS_PER_BATCH):
                if check_stop is not None:
                    check_stop()
                last = min(chunks, first + _CHUNKS_PER_BATCH)
                frames = padded[first * CHUNK_SAMPLES:last * CHUNK_SAMPLES + _CONTEXT_SAMPLES]
                batch = frames.unfold(0, width, CHUNK_SAMPLES)  # (chunks, 576)
                features = inner.encoder(inner.run_extractors(batch)).squeeze(-1)
                hidden, state = self._lstm(features.unsqueeze(1), state)  # one step per chunk
                out = inner.decoder.decoder(hidden.squeeze(1).unsqueeze(-1))
                probabilities += out.squeeze(1).mean(dim=1).tolist()
                if progress is not None:
                    progress(last / chunks)
        return probabilities

    def _looped_probabilities(self, audio: np.ndarray,
                              check_stop: Callable[[], None] | None,
                              progress: Callable[[float], None] | None) -> list[float]:
        import torch

        model = self._model
        model.reset_states()
        samples = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
        probabilities: list[float] = []
        step = CHUNK_SAMPLES * _CHUNKS_PER_BATCH
        with torch.inference_mode():
            for start in range(0, len(samples), CHUNK_SAMPLES):
                if start % step == 0 and start:
                    if check_stop is not None:
                        check_stop()
                    if progress is not None:
                        progress(start / len(samples))
                chunk = samples[start:start + CHUNK_SAMPLES]
                if len(chunk) < CHUNK_SAMPLES:
                    chunk = torch.nn.functional.pad(chunk, (0, CHUNK_SAMPLES - len(chunk)))
                probabilities.append(model(chunk, SAMPLE_RATE).item())
        model.reset_states()
        return probabilities

    def speech_spans(self, audio: np.ndarray, check_stop: Callable[[], None] | None = None,
                     progress: Callable[[float], None] | None = None
                     ) -> list[tuple[int, int]]:
        """Sample ranges of ``audio`` that hold speech (padded by ``SPEECH_PAD_MS``)."""
        if len(audio) < CHUNK_SAMPLES:
            return []
        probabilities = self.speech_probabilities(audio, check_stop, progress)
        from silero_vad import get_speech_timestamps_from_probs  # imported by _load

        stamps = get_speech_timestamps_from_probs(
            probabilities, sampling_rate=SAMPLE_RATE, threshold=SPEECH_THRESHOLD,
            min_speech_duration_ms=MIN_SPEECH_MS, min_silence_duration_ms=MIN_SILENCE_MS,
            speech_pad_ms=SPEECH_PAD_MS, max_speech_duration_s=MAX_WINDOW_S - 0.5,
            audio_length_samples=len(audio))
        return [(int(s["start"]), int(s["end"])) for s in stamps]


__all__ = ["GAP_KEPT_S", "MAX_WINDOW_S", "SAMPLE_RATE", "SpeechWindow",
           "VoiceActivityDetector", "speech_windows"]
