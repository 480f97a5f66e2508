"""A scripted, deterministic stand-in for a language model, for fast client and GUI tests.

A fake "model file" is a small JSON object (see :func:`write_fake_model`); engine options
given to ``serve(conn, "fake", options)`` supply defaults that the file overrides. Keys:

- ``tokens``: the pieces of text to stream (default: ``"You said: "`` and the words of the
  last user message);
- ``delay_s``: seconds between tokens (the engine polls for Cancel between tokens);
- ``prompt_delay_s``: seconds spent "processing the prompt" WITHOUT polling, so that only
  killing the engine interrupts it;
- ``crash_after`` / ``crash_mode``: after that many tokens end the process with
  ``"abort"`` (SIGABRT, like a native assertion), ``"kill"`` (SIGKILL, like the OOM killer)
  or ``"exit"`` (``os._exit(3)``) — only ever use these in a spawned engine;
- ``error_after``: after that many tokens raise a Python exception (becomes EngineError);
- ``load_delay_s`` / ``load_steps``: how long loading takes and how many progress events;
- ``fail_load``: a sentence; loading fails with it (code ``model_file``);
- ``name`` / ``chat_format``: reported in ModelLoaded.

The fake counts one token per whitespace-separated word of its plain prompt and keeps the
last prompt, so ``reused_tokens`` and context fitting behave like the real engine.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core.context_budget import PromptTooLong, fit_turns
from assistant.core.generation import Timings
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    ErrorCode,
    FinishReason,
    Generate,
    GenerationStarted,
    LoadModel,
    ModelLoaded,
    TokenText,
)
from assistant.engine.backend import BackendError, GenerationControl

FAKE_VERSION = "fake-llm 1"


def write_fake_model(path: str | os.PathLike[str], **script: Any) -> Path:
    """Write a fake model file holding ``script`` (the keys listed in the module doc)."""
    target = Path(path)
    target.write_text(json.dumps(script), encoding="utf-8")
    return target


def _prompt_words(turns: list[ChatTurn], system_prompt: str) -> list[str]:
    words = system_prompt.split()
    for turn in turns:
        words.append(f"{turn.role.value}:")
        words.extend(turn.text.split())
    words.append("assistant:")
    return words


class FakeLLM:
    """Implements :class:`assistant.engine.backend.LLMBackend` from a script."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self._defaults = dict(options or {})
        self._script: dict[str, Any] | None = None
        self._n_ctx = 0
        self._evaluated: list[str] = []

    def version(self) -> str:
        return FAKE_VERSION

    def gpu_offload(self) -> bool:
        return False

    @property
    def loaded(self) -> bool:
        return self._script is not None

    def load(self, request: LoadModel, progress: Callable[[float], None]) -> ModelLoaded:
        path = Path(request.path)
        if not path.is_file():
            raise BackendError(ErrorCode.MODEL_FILE,
                               f"The model file {path.name} does not exist; choose another "
                               "model file.")
        try:
            script = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            raise BackendError(ErrorCode.MODEL_FILE,
                               f"{path.name} is not a model file Mosaic can read; choose a "
                               ".gguf model file.") from None
        if not isinstance(script, dict):
            raise BackendError(ErrorCode.MODEL_FILE,
                               f"{path.name} is not a model file Mosaic can read.")
        merged = {**self._defaults, **script}
        self.close()
        steps = max(1, int(merged.get("load_steps", 4)))
        delay = float(merged.get("load_delay_s", 0.0))
        for step in range(1, steps + 1):
            if delay:
                time.sleep(delay / steps)
            progress(step / steps)
        if merged.get("fail_load"):
            raise BackendError(ErrorCode.MODEL_FILE, str(merged["fail_load"]))
        self._script = merged
        self._n_ctx = request.params.n_ctx
        return ModelLoaded(
            request_id=request.request_id, path=str(path),
            name=str(merged.get("name", path.stem)), n_ctx=self._n_ctx,
            n_threads=request.params.n_threads or 1, n_gpu_layers=0,
            chat_format=str(merged.get("chat_format", "plain fallback")))

    def _reply_tokens(self, request: Generate) -> list[str]:
        assert self._script is not None
        tokens = self._script.get("tokens")
        if tokens is not None:
            return [str(token) for token in tokens]
        last_user = next((turn.text for turn in reversed(request.turns)
                          if turn.role is Role.USER), "")
        return ["You said:"] + [f" {word}" for word in last_user.split()]

    def generate(self, request: Generate,
                 control: GenerationControl) -> tuple[FinishReason, Timings]:
        if self._script is None:
            raise BackendError(ErrorCode.NO_MODEL, "Load a model first.")
        script = self._script
        started = time.monotonic()
        reserve = min(request.sampling.max_tokens, self._n_ctx // 4)
        try:
            fitted = fit_turns(request.turns, request.system_prompt,
                               lambda turns: len(_prompt_words(turns, request.system_prompt)),
                               self._n_ctx, reserve)
        except PromptTooLong as exc:
            raise BackendError(ErrorCode.PROMPT_TOO_LONG, str(exc)) from None
        prompt = _prompt_words(list(fitted.turns), request.system_prompt)
        reused = 0
        for old, new in zip(self._evaluated, prompt, strict=False):
            if old != new:
                break
            reused += 1
        control.emit(GenerationStarted(request.request_id, len(prompt), reused,
                                       fitted.dropped_turns))
        prompt_delay = float(script.get("prompt_delay_s", 0.0))
        if prompt_delay:
            time.sleep(prompt_delay)  # deliberately deaf to Cancel, like a long native call
        self._evaluated = prompt
        delay = float(script.get("delay_s", 0.0))
        crash_after = script.get("crash_after")
        error_after = script.get("error_after")
        finish = FinishReason.COMPLETE
        emitted = 0
        first_token_at = 0.0
        for token in self._reply_tokens(request):
            if control.should_stop():
                finish = FinishReason.STOPPED
                break
            if emitted >= request.sampling.max_tokens \
                    or len(self._evaluated) >= self._n_ctx:
                finish = FinishReason.LENGTH
                break
            if crash_after is not None and emitted >= int(crash_after):
                _crash(str(script.get("crash_mode", "abort")))
            if error_after is not None and emitted >= int(error_after):
                raise RuntimeError("scripted failure of the fake model")
            if delay:
                time.sleep(delay)
            control.emit(TokenText(request.request_id, token))
            if not emitted:
                first_token_at = time.monotonic()
            emitted += 1
            self._evaluated.extend(token.split() or [token])
        ended = time.monotonic()
        timings = Timings(
            prompt_tokens=len(prompt), reused_tokens=reused, generated_tokens=emitted,
            time_to_first_token_s=(first_token_at - started) if emitted else 0.0,
            generation_s=(ended - first_token_at) if emitted else 0.0)
        return finish, timings

    def close(self) -> None:
        self._script = None
        self._evaluated = []


def _crash(mode: str) -> None:
    """End this process the way a native failure would."""
    if mode == "exit":
        os._exit(3)
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os.abort()
