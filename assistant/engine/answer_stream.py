"""The answer loop: sample, stream text, stop — once the prompt is in the KV cache.

Per token it does constant work: one sampler call, one token's bytes into an incremental
UTF-8 decoder, one single-token decode. It stops on end-of-generation tokens, template end
markers, held-back plain stop strings, the length limit and a Cancel (within one token).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from assistant.core.generation import SamplingParams, Timings
from assistant.core.protocol import ErrorCode, FinishReason, Generate, TokenText
from assistant.engine.backend import BackendError, GenerationControl
from assistant.engine.detokenizer import IncrementalDetokenizer, StopText
from assistant.engine.llama_native import import_llama, piece_reader

_PENALTY_LAST_N = 64


def make_sampler(llm: Any, sampling: SamplingParams) -> Any:
    """llama.cpp's sampler chain for ``sampling`` (greedy when the temperature is 0)."""
    from llama_cpp._internals import LlamaSampler

    sampler = LlamaSampler()
    if sampling.repeat_penalty != 1.0:  # 1.0 is no penalty: skip the pass over the vocab
        sampler.add_penalties(llm.n_vocab(), _PENALTY_LAST_N,
                              float(sampling.repeat_penalty), 0.0, 0.0)
    if sampling.temperature <= 0:
        sampler.add_greedy()
    else:
        seed = sampling.seed if sampling.seed is not None else random.randrange(2**31)
        sampler.add_top_k(int(sampling.top_k))
        sampler.add_top_p(float(sampling.top_p), 1)
        sampler.add_min_p(float(sampling.min_p), 1)
        sampler.add_temp(float(sampling.temperature))
        sampler.add_dist(seed & 0xFFFFFFFF)
    return sampler


class AnswerStream:
    """One answer of ``llm`` (a ``llama_cpp.Llama`` whose context holds the prompt)."""

    def __init__(self, llm: Any, stop_tokens: frozenset[int], stop_strings: tuple[str, ...],
                 *, trim: bool, position_limit: int) -> None:
        self._llm = llm
        self._stop_tokens = stop_tokens
        self._shown = StopText(stop_strings, trim=trim)
        self._position_limit = position_limit
        self.tokens: list[int] = []  # the answer's token ids

    def run(self, request: Generate, control: GenerationControl, started: float,
            timings: Timings) -> tuple[FinishReason, Timings]:
        """Stream TokenText events; how it ended, and ``timings`` with the answer's cost."""
        llama_cpp = import_llama()
        llm, shown, answer = self._llm, self._shown, self.tokens
        vocab = llm._model.vocab
        is_eog, stop_tokens = llama_cpp.llama_vocab_is_eog, self._stop_tokens
        detokenizer = IncrementalDetokenizer(piece_reader(llama_cpp, vocab))
        sampler = make_sampler(llm, request.sampling)
        decode_one = single_token_decoder(llama_cpp, llm)
        max_tokens = max(1, request.sampling.max_tokens)
        rid = request.request_id
        finish = FinishReason.COMPLETE
        first_at = 0.0
        hit_stop_text = False
        try:
            while True:
                if control.should_stop():
                    finish = FinishReason.STOPPED
                    break
                token = sampler.sample(llm._ctx, -1)
                if not first_at:
                    first_at = time.monotonic()
                if is_eog(vocab, token) or token in stop_tokens:
                    break
                answer.append(token)
                text, hit_stop_text = shown.push(detokenizer.push(token))
                if text:
                    control.emit(TokenText(rid, text))
                if hit_stop_text:
                    break
                if len(answer) >= max_tokens or llm.n_tokens >= self._position_limit:
                    finish = FinishReason.LENGTH
                    break
                decode_one(token)
        finally:
            sampler.close()
        if not hit_stop_text:  # show what was held back or left half-decoded
            tail, hit_stop_text = shown.push(detokenizer.flush())
            if not hit_stop_text:
                tail += shown.flush()
            if tail:
                control.emit(TokenText(rid, tail))
        ended = time.monotonic()
        return finish, Timings(
            prompt_tokens=timings.prompt_tokens, reused_tokens=timings.reused_tokens,
            generated_tokens=len(answer),
            time_to_first_token_s=(first_at - started) if first_at else 0.0,
            generation_s=(ended - first_at) if first_at else 0.0)


def single_token_decoder(llama_cpp: Any, llm: Any) -> Callable[[int], None]:
    """Evaluate one generated token the way llama.cpp's own examples do.

    ``Llama.eval`` also trims the KV cache and refills a batch object in Python on every
    call; for one token a reused ``llama_batch_get_one`` array is all llama.cpp needs. The
    ``Llama`` bookkeeping (``input_ids``, ``n_tokens``) is kept so prefix reuse still works.
    """
    one = (llama_cpp.llama_token * 1)()
    decode, batch_get_one, ctx = llama_cpp.llama_decode, llama_cpp.llama_batch_get_one, llm._ctx.ctx

    def decode_one(token: int) -> None:
        one[0] = token
        if decode(ctx, batch_get_one(one, 1)) != 0:
            raise BackendError(ErrorCode.INTERNAL, "llama.cpp could not evaluate the next token "
                                                   "(the context may be full); start a new chat.")
        llm.input_ids[llm.n_tokens] = token
        llm.n_tokens += 1

    return decode_one


__all__ = ["AnswerStream", "make_sampler", "single_token_decoder"]
