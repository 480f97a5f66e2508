"""Questions about an image: Mosaic's app path beside llama-cpp-python's own ``MTMDChatHandler``.

Both sides get the same model and projector, threads, context size and greedy sampling, the
same PNG and the same question. Each measured repetition uses a fresh, never-seen image
(seeded photo-like noise at 1024×768, so decoding and resizing the image are part of the
time); both sides are warmed up first with another image (the handler opens its projector
lazily on its first call).

- Mosaic: request sent on the GUI thread → first ``tokensArrived`` there (engine process →
  worker thread → queued signal), as ``app_path.py`` measures text.
- Reference: ``create_chat_completion(stream=True)`` called → first streamed content chunk.
- The second question about the same image (history: the image and question, the answer, a
  new question) is compared with Mosaic's own first question: the encoded image is reused.
  The handler clears its cache and encodes the image again; its time is printed for context.
"""

from __future__ import annotations

import base64
import ctypes
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import QTimer

from assistant.cli.ask import checked_images
from assistant.core.attachments import ImageAttachment
from assistant.core.generation import Timings
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import GenerationStarted
from tests.benchmarks.app_path import AppPath
from tests.benchmarks.table import Row

IMAGE_SIZE = (1024, 768)
N_CTX = 4096
ANSWER_TOKENS = 8  # the answer only needs to exist: it is the history of the second question
QUESTION = "What is in this picture? Describe it in one sentence."
FOLLOW_UP = "And which colour covers most of it?"
PAUSE_BEFORE_ASKING_S = 0.1  # between questions, on both sides


@dataclass(frozen=True)
class VisionModel:
    label: str  # "synthetic", or the model file's name
    model: Path
    mmproj: Path


@dataclass(frozen=True)
class Answer:
    time_to_first_token_s: float
    text: str
    started: GenerationStarted | None = None  # Mosaic only
    timings: Timings | None = None  # Mosaic only, as the engine measured them


def photo_like_png(path: Path, seed: int, size: tuple[int, int] = IMAGE_SIZE) -> Path:
    """A PNG of smooth colour fields with film grain: what a photo costs to decode, and
    different for every ``seed``."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    smooth = np.asarray(Image.fromarray(coarse).resize(size, Image.Resampling.BICUBIC),
                        dtype=np.float32)
    grain = rng.normal(0.0, 6.0, smooth.shape)
    Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8)).save(path, "PNG")
    return path


def png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


# --- Mosaic -----------------------------------------------------------------------------


class VisionAppPath(AppPath):
    """The app path with a vision model and its projector loaded."""

    def __init__(self, model: Path, mmproj: Path, n_ctx: int, n_threads: int) -> None:
        super().__init__(str(model), n_ctx, n_threads, str(mmproj))
        if self.loaded is None or not self.loaded.mmproj:
            raise RuntimeError(f"Mosaic did not load {model.name} with its projector")

    def ask_about(self, turns: tuple[ChatTurn, ...]) -> Answer:
        # A person reads an answer before asking again; the reference pauses the same.
        QTimer.singleShot(int(PAUSE_BEFORE_ASKING_S * 1000), self._loop.quit)
        self._loop.exec()
        run = self.ask(turns, ANSWER_TOKENS)
        return Answer(run.time_to_first_token_s, run.text, run.started, run.timings)


def mosaic_turns(image: ImageAttachment, answer: str | None = None) -> tuple[ChatTurn, ...]:
    first = ChatTurn(Role.USER, QUESTION, (image,))
    if answer is None:
        return (first,)
    return first, ChatTurn(Role.ASSISTANT, answer), ChatTurn(Role.USER, FOLLOW_UP)


# --- the reference: llama-cpp-python's own multimodal chat handler -------------------------


class HandlerReference:
    """``llama_cpp.Llama`` with ``MTMDChatHandler``, streamed as its documentation shows."""

    def __init__(self, model: Path, mmproj: Path, n_ctx: int, n_threads: int) -> None:
        import llama_cpp
        import llama_cpp.mtmd_cpp as mtmd
        from llama_cpp.llama_chat_format import MTMDChatHandler

        # mtmd logs every image it encodes to stderr unless told otherwise (verbose=False
        # does not reach it); printing is no part of the work measured.
        self._quiet = llama_cpp.llama_log_callback(lambda *_: None)  # kept alive
        mtmd.mtmd_log_set(self._quiet, ctypes.c_void_p(0))
        mtmd.mtmd_helper_log_set(self._quiet, ctypes.c_void_p(0))
        handler = MTMDChatHandler(clip_model_path=str(mmproj), verbose=False)
        self.llm = llama_cpp.Llama(model_path=str(model), chat_handler=handler, n_ctx=n_ctx,
                                   n_threads=n_threads, n_threads_batch=n_threads,
                                   n_gpu_layers=0, verbose=False, flash_attn=True)

    def ask(self, messages: list[dict[str, Any]]) -> Answer:
        time.sleep(PAUSE_BEFORE_ASKING_S)  # as on Mosaic's side: llama.cpp's threads rest
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        stream = self.llm.create_chat_completion(
            messages=messages, stream=True, temperature=0, top_k=0, top_p=1.0, min_p=0.0,
            repeat_penalty=1.0, max_tokens=ANSWER_TOKENS)
        for chunk in stream:
            content = chunk["choices"][0]["delta"].get("content")  # type: ignore[index]
            if content:
                if first is None:
                    first = time.perf_counter()
                parts.append(content)
        if first is None:
            raise RuntimeError("the reference streamed no text")
        return Answer(first - started, "".join(parts))

    def close(self) -> None:
        self.llm.close()


def reference_messages(image: Path, answer: str | None = None) -> list[dict[str, Any]]:
    # "\n" after the image: the same prompt text Mosaic renders (images, a newline, the text)
    first = {"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": png_data_uri(image)}},
        {"type": "text", "text": "\n" + QUESTION}]}
    if answer is None:
        return [first]
    return [first, {"role": "assistant", "content": answer},
            {"role": "user", "content": FOLLOW_UP}]


# --- the measures -----------------------------------------------------------------------


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:.1f} ms" if milliseconds < 100 else f"{milliseconds:.0f} ms"


def run_vision(vision: VisionModel, threads: int, repeats: int, folder: Path) -> list[Row]:
    """Rows for one model + projector pair; ``repeats`` fresh images on each side."""
    folder.mkdir(parents=True, exist_ok=True)
    pictures = [photo_like_png(folder / f"photo-{seed}.png", 1000 + seed)
                for seed in range(repeats + 1)]  # the first one warms both sides up
    width, height = IMAGE_SIZE
    print(f"vision: {vision.label} ({vision.model.name} + {vision.mmproj.name}), {threads} "
          f"threads, {repeats} fresh {width}×{height} PNGs "
          f"(~{pictures[0].stat().st_size // 1024} KB each)", flush=True)

    # Attaching checks each image on the GUI side before anything is sent: not timed.
    attachments = [checked_images([str(p)], sys.stderr)[0] for p in pictures]
    path = VisionAppPath(vision.model, vision.mmproj, N_CTX, threads)
    assert path.loaded is not None
    n_ctx = path.loaded.n_ctx
    reference = HandlerReference(vision.model, vision.mmproj, n_ctx, threads)
    mosaic_first: list[Answer] = []
    mosaic_second: list[Answer] = []
    reference_first: list[Answer] = []
    reference_second: list[Answer] = []

    def ask_mosaic(index: int) -> None:
        first = path.ask_about(mosaic_turns(attachments[index]))
        second = path.ask_about(mosaic_turns(attachments[index], first.text))
        mosaic_first.append(first)
        mosaic_second.append(second)

    def ask_reference(index: int) -> None:
        first = reference.ask(reference_messages(pictures[index]))
        second = reference.ask(reference_messages(pictures[index], first.text))
        reference_first.append(first)
        reference_second.append(second)

    try:
        path.ask_about(mosaic_turns(attachments[0]))  # warm-up
        reference.ask(reference_messages(pictures[0]))  # warm-up: opens the projector
        # Both sides take turns, in alternating order, so that a busy moment of the
        # machine falls on both alike.
        for index in range(1, repeats + 1):
            sides = (ask_mosaic, ask_reference) if index % 2 else (ask_reference, ask_mosaic)
            for side in sides:
                side(index)
    finally:
        reference.close()
        path.close()

    def median(answers: list[Answer]) -> float:
        return statistics.median(a.time_to_first_token_s for a in answers)

    m_first, m_second = median(mosaic_first), median(mosaic_second)
    r_first, r_second = median(reference_first), median(reference_second)
    same = sum(m.text == r.text for m, r in zip(mosaic_first, reference_first, strict=True))
    first_started = mosaic_first[0].started
    image_tokens = first_started.image_tokens if first_started else 0
    follow_up = mosaic_second[len(mosaic_second) // 2].started
    reused = sum(a.started is not None and a.started.reused_images == 1 for a in mosaic_second)
    print(f"vision {vision.label}: Mosaic first {_ms(m_first)}, second {_ms(m_second)}; "
          f"reference first {_ms(r_first)}, second {_ms(r_second)} (it encodes the image "
          f"again); {n_ctx} ctx, {image_tokens} image tokens; the same first answer on both "
          f"sides {same}/{repeats}; second questions reusing the encoded image "
          f"{reused}/{repeats}", flush=True)
    print(f"  Mosaic first, each: {_each(mosaic_first)}; reference first, each: "
          f"{_each(reference_first)}", flush=True)

    rows = [Row(f"first question about a {width}×{height} image, time to first token "
                f"({vision.label}, {image_tokens} image tokens, median of {repeats})",
                _ms(m_first), _ms(r_first) + " (MTMDChatHandler)", m_first / r_first,
                "≤ 1.1×", m_first <= 1.1 * r_first)]
    reused_text = (f"{follow_up.reused_tokens} of {follow_up.prompt_tokens} tokens reused"
                   if follow_up else "")
    rows.append(Row(f"second question about the same image ({vision.label}, {reused_text})",
                    _ms(m_second), _ms(m_first) + " (first question)", m_second / m_first,
                    "≤ 0.25×", m_second <= 0.25 * m_first and reused == repeats))
    return rows


def _each(answers: list[Answer]) -> str:
    return ", ".join(f"{a.time_to_first_token_s * 1000:.1f}" for a in answers) + " ms"


def synthetic_vision_model(folder: Path) -> VisionModel:
    from tests.support.synthetic_vision import write_tiny_vision_pair

    pair = write_tiny_vision_pair(folder)
    return VisionModel("synthetic", pair.model, pair.mmproj)


def real_vision_model(model: Path, mmproj: Path | None) -> VisionModel:
    """The pair given on the command line; without ``mmproj``, the projector beside it."""
    from assistant.models.gguf_inspect import ModelFileError
    from assistant.models.vision import inspect_vision_model

    try:
        setup = inspect_vision_model(str(model), str(mmproj) if mmproj else None)
    except ModelFileError as exc:
        raise SystemExit(str(exc)) from None
    if setup.problem:
        raise SystemExit(setup.problem)
    if setup.projector is None:
        raise SystemExit(f"{model.name} cannot see images: no vision projector (mmproj) was "
                         "found beside it; pass --vision-mmproj FILE.")
    return VisionModel(model.name, model, Path(setup.projector.path))


__all__ = ["VisionModel", "photo_like_png", "real_vision_model", "run_vision",
           "synthetic_vision_model"]
