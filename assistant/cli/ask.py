"""``mosaic ask``: one question, answered by a local GGUF model, streamed to stdout.

With ``--image`` (repeatable) the question is about those images: the model needs a vision
projector (mmproj), given with ``--mmproj`` or found beside the model file.
"""

from __future__ import annotations

import argparse
import hashlib
import signal
import sys
from pathlib import Path
from typing import TextIO

from assistant.core.attachments import ImageAttachment
from assistant.core.generation import LoadParams, SamplingParams, Timings
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    EngineError,
    Generate,
    GenerationDone,
    GenerationStarted,
    LoadModel,
    LoadProgress,
    ModelLoaded,
    TokenText,
)
from assistant.paths import app_paths

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_ask_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = SamplingParams()
    parser.add_argument("question", help="the question; '-' reads it from standard input")
    parser.add_argument("--model", required=True, metavar="PATH", help="a .gguf model file")
    parser.add_argument("--mmproj", default="", metavar="PATH",
                        help="the model's vision projector (default: the mmproj file beside "
                             "the model, when there is one)")
    parser.add_argument("--image", action="append", default=[], metavar="PATH",
                        help="an image the question is about (PNG, JPEG, WebP, GIF or BMP); "
                             "repeat for several")
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


class AskFailed(Exception):
    """A failure before the engine starts; ``str()`` is one sentence for the person."""


def checked_images(paths: list[str], err: TextIO) -> tuple[ImageAttachment, ...]:
    """Each image checked and named by the sha256 of its bytes; notes go to ``err``.

    Raises AskFailed with the ImageFileError sentence for an image Mosaic will not use.
    """
    from assistant.media.images import ImageFileError, check_image, read_image_file

    images = []
    for given in paths:
        path = Path(given)
        name = path.name or given
        try:
            data = read_image_file(path, name)
            checked = check_image(data, name)
        except ImageFileError as exc:
            raise AskFailed(str(exc)) from None
        if checked.note:
            print(f"[note] {name}: {checked.note}", file=err)
        images.append(ImageAttachment(
            sha256=hashlib.sha256(data).hexdigest(), path=str(path.resolve()),
            thumbnail_path="", name=name, width=checked.width, height=checked.height,
            byte_size=len(data), note=checked.note))
    return tuple(images)


def projector_for(model: str, chosen: str, needed: bool) -> str:
    """The projector to load with ``model``: ``chosen`` or the one beside it ("" for none).

    Raises AskFailed when a chosen projector does not fit the model, or when ``needed``
    (images were given) and the model cannot see images.
    """
    from assistant.models.gguf_inspect import ModelFileError
    from assistant.models.vision import inspect_vision_model

    try:
        setup = inspect_vision_model(model, chosen or None)
    except ModelFileError as exc:
        raise AskFailed(str(exc)) from None
    if setup.problem:  # the chosen projector does not fit: never swap in another silently
        raise AskFailed(setup.problem)
    if setup.projector is None:
        if needed:
            raise AskFailed(f"{Path(model).name} cannot see images: no vision projector "
                            "(mmproj) was found beside it; pass --mmproj FILE.")
        return ""
    return setup.projector.path


def _describe_loaded(loaded: ModelLoaded) -> str:
    text = (f"[model] {loaded.name}: {loaded.n_ctx} ctx, {loaded.n_threads} threads, "
            f"{loaded.n_gpu_layers} GPU layers, {loaded.chat_format}")
    if loaded.mmproj:
        text += (f", sees images ({loaded.vision_family}, {Path(loaded.mmproj).name}, "
                 f"up to {loaded.image_max_side} px)")
    return text


def _died_while_loading(stage: str, model: str, mmproj: str, exit_code: int | None) -> str:
    """What to do when the engine process ended while it loaded the model or projector."""
    how = ""
    if exit_code is not None and exit_code < 0:
        try:
            how = f" ({signal.Signals(-exit_code).name})"
        except ValueError:
            how = f" (signal {-exit_code})"
    if exit_code is not None and exit_code > 0:
        # Python itself failed in the engine (a library missing from the installation), not
        # llama.cpp on this file: a damaged model aborts with a signal instead.
        return (f"The engine process could not load its libraries (exit code {exit_code}); "
                f"see engine.log in {app_paths().log_dir} and reinstall Mosaic.")
    if stage == "projector":
        return (f"The engine stopped while opening the vision projector {Path(mmproj).name}"
                f"{how}: the file is damaged or not made for this version of llama.cpp; "
                "download it again or pass another one with --mmproj.")
    return (f"The engine stopped while loading {Path(model).name}{how}: the file may be "
            "damaged or unsupported; choose another model file.")


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
    if args.image and args.raw:
        print("mosaic ask: --raw sends text only; leave out --raw to ask about images.",
              file=err)
        return EXIT_USAGE
    mmproj = ""
    images: tuple[ImageAttachment, ...] = ()
    if args.image or args.mmproj:
        try:
            images = checked_images(args.image, err)
            mmproj = projector_for(args.model, args.mmproj, needed=bool(images))
        except AskFailed as exc:
            print(f"mosaic ask: {exc}", file=err)
            return EXIT_FAILED
    load = LoadParams(n_ctx=args.ctx, n_threads=args.threads, n_gpu_layers=args.gpu_layers)
    sampling = SamplingParams(
        temperature=args.temperature, top_p=args.top_p, top_k=args.top_k, min_p=args.min_p,
        repeat_penalty=args.repeat_penalty, max_tokens=args.max_tokens, seed=args.seed)
    engine = EngineProcess()
    engine.start()
    loading = "model"  # what the engine is opening: "model", "projector", or "" once loaded
    try:
        engine.send(LoadModel(1, args.model, load, mmproj))
        engine.send(Generate(2, (ChatTurn(Role.USER, question, images),), args.system,
                             sampling, raw=args.raw))
        while True:
            event = engine.recv()
            if isinstance(event, TokenText):
                out.write(event.text)
                out.flush()
            elif isinstance(event, EngineError):
                print(f"mosaic ask: {event.message}", file=err)
                return EXIT_FAILED
            elif isinstance(event, LoadProgress):
                loading = event.stage
            elif isinstance(event, ModelLoaded):
                loading = ""
                if args.timings:
                    print(_describe_loaded(event), file=err)
            elif isinstance(event, GenerationStarted):
                if event.dropped_turns:
                    print(f"[note] {event.dropped_turns} older turns did not fit", file=err)
                if event.image_tokens and args.timings:
                    print(f"[images] {event.image_tokens} of {event.prompt_tokens} prompt "
                          "tokens are images", file=err)
            elif isinstance(event, GenerationDone):
                out.write("\n")
                out.flush()
                if args.timings:
                    print(f"[timings] {_format_timings(event.timings)}", file=err)
                return EXIT_OK
    except EngineDied as exc:
        message = (_died_while_loading(loading, args.model, mmproj, exc.exit_code)
                   if loading else str(exc))
        print(f"mosaic ask: {message}", file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    finally:
        engine.stop()
