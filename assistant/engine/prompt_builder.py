"""Prompts for the loaded model: chat format, context fitting, images through mtmd.

A text prompt is a token list; a prompt with images is a :class:`TokenizedPrompt` whose
pieces are text tokens and image chunks. Both drop the oldest whole exchanges that do not
fit the context, and say so (``dropped`` turns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.core.chat_format import (
    ChatTemplateError,
    plain_stop_strings,
    render_chat,
    render_plain,
)
from assistant.core.context_budget import MIN_ANSWER_TOKENS, PromptTooLong, fit_turns
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import ErrorCode, Generate
from assistant.engine.backend import BackendError
from assistant.engine.vision import TokenizedPrompt, VisionContext
from assistant.models.gguf_inspect import GGUFInfo


@dataclass
class LoadedModel:
    """A loaded model and what the loop needs to know about it."""

    llm: Any
    info: GGUFInfo
    template: str | None
    bos_text: str
    eos_text: str
    add_bos: bool
    stop_tokens: frozenset[int]
    n_ctx: int
    n_batch: int
    n_swa: int
    vision: VisionContext | None = None
    speakers: tuple[str, str] | None = None  # turn names for the plain format, by family


def tokenize(model: LoadedModel, text: str) -> list[int]:
    """Tokens of a whole prompt: special tokens parsed, BOS added once when wanted."""
    add_bos = model.add_bos and not (model.bos_text and text.startswith(model.bos_text))
    return model.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)


def renderer(model: LoadedModel, system: str) -> Callable[[Sequence[ChatTurn]], str]:
    """Turns → prompt text: the model's own template, or the plain transcript."""
    template = model.template

    def render(turns: Sequence[ChatTurn]) -> str:
        if template is None:
            return render_plain(turns, system, model.speakers)
        return render_chat(template, turns, system, model.bos_text, model.eos_text)

    return render


def build_text_prompt(model: LoadedModel,
                      request: Generate) -> tuple[list[int], int, tuple[str, ...]]:
    """Prompt tokens, how many turns were dropped to fit, and plain stop strings."""
    reserve = min(request.sampling.max_tokens, model.n_ctx // 4)
    if request.raw:
        text = next((t.text for t in reversed(request.turns) if t.role is Role.USER), "")
        tokens = tokenize(model, text)
        if len(tokens) > model.n_ctx - min(reserve, MIN_ANSWER_TOKENS):
            raise BackendError(ErrorCode.PROMPT_TOO_LONG,
                               str(PromptTooLong(len(tokens), model.n_ctx, False)))
        return tokens, 0, ()
    render = renderer(model, request.system_prompt)
    counted: dict[int, list[int]] = {}

    def count(turns: list[ChatTurn]) -> int:
        tokens = tokenize(model, render(turns))
        counted[len(turns)] = tokens
        return len(tokens)

    try:
        fitted = fit_turns(request.turns, request.system_prompt, count, model.n_ctx,
                           reserve)
    except PromptTooLong as exc:
        raise BackendError(ErrorCode.PROMPT_TOO_LONG, str(exc)) from None
    except ChatTemplateError as exc:
        raise BackendError(ErrorCode.BAD_REQUEST, str(exc)) from None
    tokens = counted.get(len(fitted.turns)) or tokenize(model, render(fitted.turns))
    stops = plain_stop_strings(model.speakers) if model.template is None else ()
    return tokens, fitted.dropped_turns, stops


def build_vision_prompt(model: LoadedModel,
                        request: Generate) -> tuple[TokenizedPrompt, int, tuple[str, ...]]:
    """The prompt of a conversation with images, tokenized by mtmd (free it after use)."""
    vision = model.vision
    if vision is None:
        raise BackendError(ErrorCode.NO_VISION,
                           f"{model.info.name} cannot see images: it was loaded without "
                           "a vision projector (mmproj). Choose a vision model, or pick "
                           "this model's mmproj file in the model bar.")
    reserve = min(request.sampling.max_tokens, model.n_ctx // 4)
    render = renderer(model, request.system_prompt)
    marker = vision.marker

    def marked(turn: ChatTurn) -> ChatTurn:
        text = turn.text.replace(marker, "")
        if turn.images:
            text = marker * len(turn.images) + "\n" + text
        return ChatTurn(turn.role, text)

    built: dict[int, TokenizedPrompt] = {}

    def count(turns: list[ChatTurn]) -> int:
        text = render([marked(turn) for turn in turns])
        add_special = model.add_bos and not (model.bos_text
                                             and text.startswith(model.bos_text))
        images = [image for turn in turns for image in turn.images]
        prompt = vision.tokenize(text, images, add_special)
        old = built.pop(len(turns), None)
        if old is not None:
            old.free()
        built[len(turns)] = prompt
        return prompt.n_cells

    try:
        try:
            fitted = fit_turns(request.turns, request.system_prompt, count, model.n_ctx,
                               reserve)
        except PromptTooLong as exc:
            raise BackendError(ErrorCode.PROMPT_TOO_LONG,
                               _too_long_with_images(model, request, built, exc)) from None
        except ChatTemplateError as exc:
            raise BackendError(ErrorCode.BAD_REQUEST, str(exc)) from None
        if len(fitted.turns) not in built:
            count(list(fitted.turns))
        prompt = built.pop(len(fitted.turns))
    finally:
        for unused in built.values():
            unused.free()
    stops = plain_stop_strings(model.speakers) if model.template is None else ()
    return prompt, fitted.dropped_turns, stops


def _too_long_with_images(model: LoadedModel, request: Generate,
                          built: dict[int, TokenizedPrompt], exc: PromptTooLong) -> str:
    last = request.turns[-1] if request.turns else None
    if last is None or not last.images:
        return str(exc)
    smallest = built[min(built)] if built else None
    image_tokens = smallest.image_tokens if smallest is not None else 0
    noun = "image takes" if len(last.images) == 1 else f"{len(last.images)} images take"
    return (f"This message's {noun} about {image_tokens:,} context tokens, and with its "
            f"text the prompt needs {exc.prompt_tokens:,}, more than the model's context of "
            f"{model.n_ctx:,}; attach fewer or smaller images, or raise the context size "
            "in Settings.")


__all__ = ["LoadedModel", "build_text_prompt", "build_vision_prompt", "renderer", "tokenize"]
