"""The interface every language-model backend of the engine implements.

The host loop (:mod:`assistant.engine.host`) owns the connection; a backend only loads a
model and produces tokens, asking ``control.should_stop()`` between tokens and between
prompt chunks so that a Cancel takes effect within one token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from assistant.core.generation import Timings
from assistant.core.protocol import ErrorCode, Event, FinishReason, Generate, LoadModel, ModelLoaded


class BackendError(Exception):
    """A failure a person can act on: ``code`` plus one sentence (``str(error)``)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GenerationControl(Protocol):
    """What a backend may do while it generates: send events and check for a Cancel."""

    def emit(self, event: Event) -> None:
        """Send one event (GenerationStarted, TokenText) to the client."""

    def should_stop(self) -> bool:
        """True once the running request was cancelled (or the engine must shut down)."""


class LLMBackend(Protocol):
    """A text model the host can load and generate with."""

    def version(self) -> str:
        """A short description of the backend build, for EngineReady."""

    def gpu_offload(self) -> bool:
        """Whether this build can put layers on a GPU."""

    @property
    def loaded(self) -> bool:
        """Whether a model is loaded and ready to generate."""

    def load(self, request: LoadModel, progress: Callable[..., None]) -> ModelLoaded:
        """Load ``request.path`` (replacing any loaded model); raise BackendError on failure.

        ``progress(fraction, stage="model")`` reports progress; stage "projector" is sent
        before a vision projector is opened, so a crash there can be blamed on that file.
        """

    def generate(self, request: Generate,
                 control: GenerationControl) -> tuple[FinishReason, Timings]:
        """Emit GenerationStarted then TokenText events; return how it ended and its cost."""

    def close(self) -> None:
        """Free the model, if any."""
