"""``mosaic ask``: one question, answered by a local GGUF model, streamed to stdout."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from assistant.core.generation import LoadParams, SamplingParams, Timings
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    EngineError,
    Generate,
    GenerationDone,
    GenerationStarted,
    LoadModel,
    ModelLoaded,
    TokenText,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_ask_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = SamplingParams()
    parser.add_argument("question", help="the question; '-' reads it from standard input")
    parser.add_argument("--model", required=True, metavar="PATH", help="a .gguf model file")
    parser.add_argument("--system", default="", metavar="TEXT", help="system prompt")
    parser.add_argument("--raw", action="store_true",
                        help="send the question verbatim, without the chat format "
                             "(completion mode, for base models)")
    parser.add_argument("--max-tokens", type=int, default=defaults.max_tokens)
    parser.add_argument("--temperature", type=float, default=defaults.temperature,
                        help="0 picks the most likely token every time (greedy)")
    parser.add_argument("--top-p", type=float, default=defaults.top_p)
    parser.add_argument("--top-k", type=int, default=defaults.top_k)
    parser.add_argument("--min-p", type=float, default=defaults.min_p)
    parser.add_argument("--repeat-penalty", type=float, default=defaults.repeat_penalty)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads (default: physical cores)")
    parser.add_argument("--ctx", type=int, default=LoadParams().n_ctx, help="context size")
    parser.add_argument("--gpu-layers", type=int, default=None,
                        help="layers to offload (default: all when a GPU backend exists)")
    parser.add_argument("--timings", action="store_true",
                        help="print time to first token and tokens/s to stderr")


def _read_question(args: argparse.Namespace, stdin: TextIO) -> str:
    return stdin.read() if args.question == "-" else args.question


def _format_timings(timings: Timings) -> str:
    return (f"{timings.prompt_tokens} prompt tokens ({timings.reused_tokens} reused), "
            f"{timings.generated_tokens} generated; "
            f"{timings.time_to_first_token_s:.2f} s to first token, "
            f"{timings.tokens_per_second:.1f} tokens/s")


def run_ask(args: argparse.Namespace, stdout: TextIO | None = None,
            stderr: TextIO | None = None, stdin: TextIO | None = None) -> int:
    """Load the model in an engine process, stream one answer; returns the exit status."""
    from assistant.engine.process import EngineDied, EngineProcess

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    question = _read_question(args, stdin or sys.stdin)
    if not question.strip():
        print("mosaic ask: the question is empty; type a question or pipe one in with '-'.",
              file=err)
        return EXIT_USAGE
    if args.max_tokens < 1 or args.ctx < 64:
        print("mosaic ask: --max-tokens must be at least 1 and --ctx at least 64.", file=err)
        return EXIT_USAGE
    load = LoadParams(n_ctx=args.ctx, n_threads=args.threads, n_gpu_layers=args.gpu_layers)
    sampling = SamplingParams(
        temperature=args.temperature, top_p=args.top_p, top_k=args.top_k, min_p=args.min_p,
        repeat_penalty=args.repeat_penalty, max_tokens=args.max_tokens, seed=args.seed)
    engine = EngineProcess()
    engine.start()
    try:
        engine.send(LoadModel(1, args.model, load))
        engine.send(Generate(2, (ChatTurn(Role.USER, question),), args.system, sampling,
                             raw=args.raw))
        while True:
            event = engine.recv()
            if isinstance(event, TokenText):
                out.write(event.text)
                out.flush()
            elif isinstance(event, EngineError):
                print(f"mosaic ask: {event.message}", file=err)
                return EXIT_FAILED
            elif isinstance(event, ModelLoaded) and args.timings:
                print(f"[model] {event.name}: {event.n_ctx} ctx, {event.n_threads} threads, "
                      f"{event.n_gpu_layers} GPU layers, {event.chat_format}", file=err)
            elif isinstance(event, GenerationStarted) and event.dropped_turns:
                print(f"[note] {event.dropped_turns} older turns did not fit", file=err)
            elif isinstance(event, GenerationDone):
                out.write("\n")
                out.flush()
                if args.timings:
                    print(f"[timings] {_format_timings(event.timings)}", file=err)
                return EXIT_OK
    except EngineDied as exc:
        print(f"mosaic ask: {exc}", file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    finally:
        engine.stop()
