"""The reference the app is measured against: llama.cpp driven directly through
llama-cpp-python's low-level bindings (``llama_decode`` + a sampler chain), no app code.
"""

from __future__ import annotations

import ctypes
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class NativeRun:
    prompt_tokens: int
    prompt_s: float  # evaluating the prompt and sampling the first token
    generated_tokens: int
    generation_s: float  # from the first token to the last

    @property
    def tokens_per_second(self) -> float:
        return (self.generated_tokens - 1) / self.generation_s if self.generation_s else 0.0


class NativeLlama:
    """One model and context, greedy sampling, text pieces produced as a real loop would."""

    def __init__(self, model_path: str, n_ctx: int, n_threads: int, n_batch: int = 512) -> None:
        import llama_cpp as lib

        self.lib = lib
        lib.llama_backend_init()
        self._quiet = lib.llama_log_callback(lambda *_: None)  # kept alive: llama.cpp calls it
        lib.llama_log_set(self._quiet, ctypes.c_void_p(0))
        model_params = lib.llama_model_default_params()
        model_params.n_gpu_layers = 0
        self.model = lib.llama_model_load_from_file(model_path.encode(), model_params)
        if not self.model:
            raise RuntimeError(f"llama.cpp could not load {model_path}")
        context_params = lib.llama_context_default_params()
        context_params.n_ctx = n_ctx
        context_params.n_batch = n_batch
        context_params.n_ubatch = n_batch
        context_params.n_threads = n_threads
        context_params.n_threads_batch = n_threads
        self.n_batch = n_batch
        self.ctx = lib.llama_init_from_model(self.model, context_params)
        self.vocab = lib.llama_model_get_vocab(self.model)
        self.sampler = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params())
        lib.llama_sampler_chain_add(self.sampler, lib.llama_sampler_init_greedy())
        self._piece = ctypes.create_string_buffer(256)

    def tokenize(self, text: str) -> list[int]:
        data = text.encode()
        buffer = (self.lib.llama_token * (len(data) + 16))()
        count = self.lib.llama_tokenize(self.vocab, data, len(data), buffer, len(buffer),
                                        True, True)
        return list(buffer[:count])

    def run(self, prompt_tokens: list[int], max_tokens: int) -> NativeRun:
        """Evaluate the prompt from an empty cache, then generate up to ``max_tokens``."""
        lib = self.lib
        lib.llama_memory_clear(lib.llama_get_memory(self.ctx), True)
        started = time.perf_counter()
        for start in range(0, len(prompt_tokens), self.n_batch):
            chunk = prompt_tokens[start:start + self.n_batch]
            array = (lib.llama_token * len(chunk))(*chunk)
            if lib.llama_decode(self.ctx, lib.llama_batch_get_one(array, len(chunk))) != 0:
                raise RuntimeError("llama_decode failed on the prompt")
        token = lib.llama_sampler_sample(self.sampler, self.ctx, -1)
        first = time.perf_counter()
        generated = 0
        one = (lib.llama_token * 1)()
        while True:
            lib.llama_token_to_piece(self.vocab, token, self._piece, 256, 0, False)
            generated += 1
            if generated >= max_tokens or lib.llama_vocab_is_eog(self.vocab, token):
                break
            one[0] = token
            if lib.llama_decode(self.ctx, lib.llama_batch_get_one(one, 1)) != 0:
                break
            token = lib.llama_sampler_sample(self.sampler, self.ctx, -1)
        finished = time.perf_counter()
        return NativeRun(len(prompt_tokens), first - started, generated, finished - first)

    def close(self) -> None:
        lib = self.lib
        lib.llama_sampler_free(self.sampler)
        lib.llama_free(self.ctx)
        lib.llama_model_free(self.model)
