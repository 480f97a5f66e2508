"""Turn a conversation into prompt text: the model's own chat template, or a plain transcript.

Chat templates come from model files, which are untrusted: they render only in Jinja's
immutable sandbox. Pure functions; jinja2 is the only dependency.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from assistant.core.messages import ChatTurn, Role

PLAIN_USER = "User"
PLAIN_ASSISTANT = "Assistant"


class ChatTemplateError(ValueError):
    """The model's chat template cannot render this conversation; ``str()`` says why."""


class _TemplateRaised(TemplateError):
    """``raise_exception(...)`` was called by the template itself."""


def _raise_exception(message: str) -> None:
    raise _TemplateRaised(str(message))


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(str(fmt))


def _tojson(value: Any, indent: int | None = None, separators: Any = None,
            sort_keys: bool = False, ensure_ascii: bool = False) -> str:
    """``tojson`` as Hugging Face templates expect it (no HTML escaping)."""
    return json.dumps(value, indent=indent, separators=separators, sort_keys=sort_keys,
                      ensure_ascii=ensure_ascii)


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    return env


@lru_cache(maxsize=8)
def _compile(template: str) -> Any:
    try:
        return _environment().from_string(template)
    except TemplateSyntaxError as exc:
        raise ChatTemplateError(
            f"The model's chat template is broken (line {exc.lineno}: {exc.message}).") from None


def check_template(template: str) -> None:
    """Raise ChatTemplateError when ``template`` does not even parse."""
    _compile(template)


def _messages(turns: Sequence[ChatTurn], system_prompt: str) -> list[dict[str, str]]:
    messages = [{"role": turn.role.value, "content": turn.text} for turn in turns]
    if system_prompt.strip():
        messages.insert(0, {"role": Role.SYSTEM.value, "content": system_prompt})
    return messages


def _fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Put system messages into the first user message, for templates without a system role."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == Role.SYSTEM.value)
    rest = [dict(m) for m in messages if m["role"] != Role.SYSTEM.value]
    if system:
        for message in rest:
            if message["role"] == Role.USER.value:
                message["content"] = f"{system}\n\n{message['content']}"
                break
        else:
            rest.insert(0, {"role": Role.USER.value, "content": system})
    return rest


def _merge_repeats(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Join consecutive messages of one role, for templates that insist on alternation."""
    merged: list[dict[str, str]] = []
    for message in messages:
        if merged and merged[-1]["role"] == message["role"]:
            merged[-1] = {"role": message["role"],
                          "content": f"{merged[-1]['content']}\n\n{message['content']}"}
        else:
            merged.append(dict(message))
    return merged


def render_chat(template: str, turns: Sequence[ChatTurn], system_prompt: str,
                bos_token: str, eos_token: str, add_generation_prompt: bool = True) -> str:
    """Render ``turns`` (after ``system_prompt``) with the model's Jinja chat template.

    A template that refuses a system role or repeated roles (via ``raise_exception``) is
    retried with the system prompt folded into the first user turn and repeats joined.
    """
    compiled = _compile(template)
    messages = _messages(turns, system_prompt)
    attempts = [messages, _fold_system(messages), _merge_repeats(_fold_system(messages))]
    refusal = ""
    for attempt in attempts:
        try:
            return compiled.render(messages=attempt, bos_token=bos_token,
                                   eos_token=eos_token,
                                   add_generation_prompt=add_generation_prompt)
        except _TemplateRaised as exc:
            refusal = str(exc)
        except SecurityError:
            raise ChatTemplateError("The model's chat template tried an unsafe operation; "
                                    "Mosaic will not run it.") from None
        except (TemplateError, TypeError, ValueError, KeyError, IndexError,
                AttributeError) as exc:
            raise ChatTemplateError(f"The model's chat template failed ({exc}).") from None
    raise ChatTemplateError(f"The model's chat template refused this conversation: {refusal}")


def render_plain(turns: Sequence[ChatTurn], system_prompt: str,
                 speakers: tuple[str, str] | None = None) -> str:
    """A plain transcript a base model (no chat template) continues as the assistant.

    ``User: …`` / ``Assistant: …`` lines, each turn separated by a blank line, ending with
    ``Assistant:`` for the model to continue. The system prompt, if any, comes first.
    ``speakers`` replaces the two names for families trained on others (moondream's
    ``Question:`` / ``Answer:``, LLaVA-1.5's ``USER:`` / ``ASSISTANT:``).
    """
    user_name, assistant_name = speakers or (PLAIN_USER, PLAIN_ASSISTANT)
    parts: list[str] = []
    if system_prompt.strip():
        parts.append(system_prompt.strip())
    for turn in turns:
        if turn.role is Role.SYSTEM:
            parts.append(turn.text.strip())
        else:
            speaker = user_name if turn.role is Role.USER else assistant_name
            parts.append(f"{speaker}: {turn.text.strip()}")
    parts.append(f"{assistant_name}:")
    return "\n\n".join(parts)


def plain_stop_strings(speakers: tuple[str, str] | None = None) -> tuple[str, ...]:
    """Text that ends an answer in the plain format: the start of the next turn."""
    user_name, assistant_name = speakers or (PLAIN_USER, PLAIN_ASSISTANT)
    return (f"\n{user_name}:", f"\n{assistant_name}:")
