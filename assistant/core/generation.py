"""Parameters for loading a model and for generating an answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SamplingParams:
    """How one answer is sampled. ``temperature == 0`` means greedy."""

    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 1024
    seed: int | None = None  # None: a fresh random seed per answer


@dataclass(frozen=True)
class LoadParams:
    """How a model is loaded. ``None`` means "decide from this machine"."""

    n_ctx: int = 4096
    n_threads: int | None = None  # None: physical cores
    n_gpu_layers: int | None = None  # None: all layers when the build can offload, else 0


@dataclass(frozen=True)
class Timings:
    """What one answer cost, as shown under it."""

    prompt_tokens: int = 0
    reused_tokens: int = 0  # prompt tokens served from the KV cache
    generated_tokens: int = 0
    time_to_first_token_s: float = 0.0
    generation_s: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        """Generation speed after the first token (the usual llama.cpp "eval" rate)."""
        if self.generated_tokens <= 1 or self.generation_s <= 0:
            return 0.0
        return (self.generated_tokens - 1) / self.generation_s
