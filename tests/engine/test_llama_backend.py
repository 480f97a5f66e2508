"""The llama.cpp backend with real model files: the synthetic tiny llama and gemma-3-270m."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.generation import LoadParams, SamplingParams, Timings
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    Cancel,
    EngineError,
    EngineReady,
    ErrorCode,
    Event,
    FinishReason,
    Generate,
    GenerationDone,
    GenerationStarted,
    LoadModel,
    LoadProgress,
    ModelLoaded,
    TokenText,
)
from assistant.engine.detokenizer import IncrementalDetokenizer
from assistant.engine.llama_backend import LlamaBackend
from assistant.engine.llama_native import import_llama, piece_reader
from assistant.engine.process import EngineDied, EngineProcess
from tests.support.synthetic_gguf import write_not_gguf, write_tiny_llama, write_truncated_copy

pytestmark = pytest.mark.engine

THREADS = 2
GREEDY = SamplingParams(temperature=0.0, max_tokens=24)
FRANCE = "What is the capital of France?"


class Recorder:
    """A GenerationControl that records events and can ask to stop."""

    def __init__(self, stop_after_tokens: int | None = None,
                 stop_after_checks: int | None = None) -> None:
        self.events: list[Event] = []
        self.tokens = 0
        self.checks = 0
        self.stop_after_tokens = stop_after_tokens
        self.stop_after_checks = stop_after_checks

    def emit(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, TokenText):
            self.tokens += 1

    def should_stop(self) -> bool:
        self.checks += 1
        if self.stop_after_checks is not None and self.checks >= self.stop_after_checks:
            return True
        return self.stop_after_tokens is not None and self.tokens >= self.stop_after_tokens

    @property
    def text(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, TokenText))

    @property
    def started(self) -> GenerationStarted:
        first = self.events[0]
        assert isinstance(first, GenerationStarted)
        return first


def load(path: Path, n_ctx: int = 1024, **options: int) -> LlamaBackend:
    backend = LlamaBackend(options)
    backend.load(LoadModel(1, str(path), LoadParams(n_ctx=n_ctx, n_threads=THREADS)),
                 lambda fraction: None)
    return backend


def ask(backend: LlamaBackend, turns: list[ChatTurn], sampling: SamplingParams = GREEDY,
        raw: bool = False, system: str = "",
        recorder: Recorder | None = None) -> tuple[Recorder, FinishReason, Timings]:
    recorder = recorder or Recorder()
    finish, timings = backend.generate(Generate(7, tuple(turns), system, sampling, raw), recorder)
    return recorder, finish, timings


def user(text: str) -> ChatTurn:
    return ChatTurn(Role.USER, text)


@pytest.fixture(scope="module")
def tiny(tiny_gguf: Path) -> Iterator[LlamaBackend]:
    backend = load(tiny_gguf)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def gemma(gemma_gguf: Path) -> Iterator[LlamaBackend]:
    backend = load(gemma_gguf)
    yield backend
    backend.close()


# --- the synthetic model ---------------------------------------------------------------


def test_tiny_model_streams_text(tiny: LlamaBackend) -> None:
    sampling = SamplingParams(temperature=0.8, seed=1, max_tokens=20)
    recorder, finish, timings = ask(tiny, [user("hello there")], sampling)
    assert recorder.started.prompt_tokens > 5
    assert recorder.tokens > 0 and recorder.text.strip()
    assert all(isinstance(e, TokenText) for e in recorder.events[1:])
    assert finish is FinishReason.LENGTH and timings.generated_tokens == 20
    assert timings.time_to_first_token_s > 0 and timings.tokens_per_second > 0


def test_greedy_and_seeded_sampling_are_deterministic(tiny: LlamaBackend) -> None:
    first = ask(tiny, [user("the water")])[0].text
    assert ask(tiny, [user("the water")])[0].text == first
    seeded = SamplingParams(temperature=1.0, seed=42, max_tokens=24)
    assert ask(tiny, [user("the water")], seeded)[0].text == \
        ask(tiny, [user("the water")], seeded)[0].text


def test_streamed_text_equals_detokenized_answer(tiny: LlamaBackend,
                                                 gemma: LlamaBackend) -> None:
    for backend, prompt in ((tiny, "the king of"), (gemma, "Once upon a time")):
        recorder, _, timings = ask(backend, [user(prompt)], raw=True)
        tokens = backend.last_answer_tokens
        assert len(tokens) == timings.generated_tokens > 0
        whole = backend.llm.detokenize(tokens).decode("utf-8", errors="replace")
        assert recorder.text == whole


def test_characters_split_across_real_tokens(gemma: LlamaBackend) -> None:
    llama_cpp = import_llama()
    text = "Ünïcödé: 東京の𝄞𓀀 ꙮ 🦩🪼 ok"
    tokens = gemma.llm.tokenize(text.encode(), add_bos=False, special=False)
    piece = piece_reader(llama_cpp, gemma.llm._model.vocab)
    split = [t for t in tokens if _invalid_utf8(piece(t))]
    assert split, "the sample text should need byte-fallback tokens"
    detokenizer = IncrementalDetokenizer(piece)
    streamed = "".join(detokenizer.push(t) for t in tokens) + detokenizer.flush()
    assert streamed == gemma.llm.detokenize(tokens).decode() == text


def _invalid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_cancel_stops_within_one_token(tiny: LlamaBackend) -> None:
    sampling = SamplingParams(temperature=0.0, max_tokens=500)
    recorder, finish, timings = ask(tiny, [user("go on")], sampling, raw=True,
                                    recorder=Recorder(stop_after_tokens=3))
    assert finish is FinishReason.STOPPED
    assert recorder.tokens == 3 and timings.generated_tokens == 3


def test_cancel_between_prompt_chunks(tiny_gguf: Path) -> None:
    backend = load(tiny_gguf, n_batch=16)
    try:
        long_prompt = " ".join(["water"] * 200)
        recorder, finish, _ = ask(backend, [user(long_prompt)], raw=True,
                                  recorder=Recorder(stop_after_checks=2))
        assert finish is FinishReason.STOPPED and recorder.tokens == 0
        assert recorder.started.prompt_tokens > 150
        assert backend.last_prompt_eval_tokens == 16  # one chunk, then the Cancel was seen
        # the chunk already evaluated is reused by the next request
        again = ask(backend, [user(long_prompt)], raw=True)[0]
        assert again.started.reused_tokens == 16
    finally:
        backend.close()


def test_second_turn_reuses_the_kv_cache_on_tiny(tiny: LlamaBackend) -> None:
    first, _, _ = ask(tiny, [user("hello")])
    turns = [user("hello"), ChatTurn(Role.ASSISTANT, first.text), user("and then?")]
    second, _, _ = ask(tiny, turns)
    assert second.started.reused_tokens >= first.started.prompt_tokens
    assert tiny.last_prompt_eval_tokens == \
        second.started.prompt_tokens - second.started.reused_tokens


def test_long_history_is_fitted_into_the_context(tiny_gguf: Path) -> None:
    backend = load(tiny_gguf, n_ctx=256)
    try:
        turns: list[ChatTurn] = []
        for i in range(20):
            turns.append(user(f"question {i}: " + "the water of the sea " * 4))
            turns.append(ChatTurn(Role.ASSISTANT, "an answer about the land " * 4))
        turns.append(user("last question"))
        sampling = SamplingParams(temperature=0.0, max_tokens=32)
        recorder, finish, timings = ask(backend, turns, sampling)
        assert recorder.started.dropped_turns > 0
        assert recorder.started.dropped_turns % 2 == 0
        assert finish is FinishReason.LENGTH and timings.generated_tokens == 32
        assert recorder.started.prompt_tokens <= 256 - 32
        # an answer that would overflow the context ends at the context's end instead
        _, finish, timings = ask(backend, turns, SamplingParams(temperature=0.0,
                                                                 max_tokens=5000))
        assert finish is FinishReason.LENGTH
        assert timings.prompt_tokens + timings.generated_tokens <= 256 + 1
    finally:
        backend.close()


def test_message_longer_than_context_is_an_error(tiny_gguf: Path) -> None:
    from assistant.engine.backend import BackendError

    backend = load(tiny_gguf, n_ctx=128)
    try:
        with pytest.raises(BackendError) as raised:
            ask(backend, [user("water " * 400)])
        assert raised.value.code is ErrorCode.PROMPT_TOO_LONG
        # llama.cpp rounds small contexts up (to 256 in this version); the sentence says so
        assert f"context holds {backend.llm.n_ctx()}" in raised.value.message
    finally:
        backend.close()


# --- gemma-3-270m (a real base model, no chat template) -----------------------------------


def test_gemma_answers_france_in_raw_mode(gemma: LlamaBackend) -> None:
    recorder, _, _ = ask(gemma, [user(f"Question: {FRANCE}\nAnswer:")], raw=True)
    assert "Paris" in recorder.text


def test_gemma_answers_france_through_the_plain_fallback(gemma: LlamaBackend) -> None:
    recorder, finish, _ = ask(gemma, [user(FRANCE)], SamplingParams(temperature=0.0,
                                                                   max_tokens=48))
    assert "Paris" in recorder.text
    assert "User:" not in recorder.text and recorder.text == recorder.text.strip()
    assert finish is FinishReason.COMPLETE  # the next "User:" turn was cut off


def test_gemma_second_turn_reuses_prompt_and_answer(gemma: LlamaBackend) -> None:
    first, _, first_timings = ask(gemma, [user(FRANCE)])
    turns = [user(FRANCE), ChatTurn(Role.ASSISTANT, first.text),
             user("And what is the capital of Germany?")]
    second, _, _ = ask(gemma, turns)
    reused = second.started.reused_tokens
    assert reused >= first.started.prompt_tokens + first_timings.generated_tokens - 3
    assert gemma.last_prompt_eval_tokens == second.started.prompt_tokens - reused


# --- through the engine loop -----------------------------------------------------------


def final_events(engine: EngineProcess, request_id: int, timeout: float = 60) -> list[Event]:
    events: list[Event] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if engine.poll(0.1):
            event = engine.recv()
            events.append(event)
            if isinstance(event, ModelLoaded | GenerationDone | EngineError) \
                    and event.request_id == request_id:
                return events
    raise AssertionError(f"request {request_id} did not finish: {events}")


@pytest.fixture
def engine() -> Iterator[EngineProcess]:
    process = EngineProcess()
    process.start_in_thread("llama")
    assert isinstance(process.recv(), EngineReady)
    yield process
    process.stop(timeout=10)


def test_bad_model_files_are_explained_and_the_engine_keeps_working(
        engine: EngineProcess, tiny_gguf: Path, tmp_path: Path) -> None:
    cases = {
        tmp_path / "absent.gguf": "does not exist",
        write_not_gguf(tmp_path / "page.gguf"): "is not a GGUF model file",
        write_truncated_copy(tiny_gguf, tmp_path / "cut.gguf", 0.5): "is incomplete",
        write_tiny_llama(tmp_path / "odd.gguf", architecture="notarealarch"):
            "uses the 'notarealarch' architecture, which this version of llama.cpp cannot run",
    }
    for request_id, (path, expected) in enumerate(cases.items(), start=1):
        engine.send(LoadModel(request_id, str(path), LoadParams(n_ctx=512, n_threads=THREADS)))
        error = final_events(engine, request_id)[-1]
        assert isinstance(error, EngineError), error
        assert error.code is ErrorCode.MODEL_FILE
        assert expected in error.message and "\n" not in error.message
    engine.send(Generate(10, (user("hi"),)))
    assert final_events(engine, 10)[-1].code is ErrorCode.NO_MODEL  # type: ignore[union-attr]
    engine.send(LoadModel(11, str(tiny_gguf), LoadParams(n_ctx=512, n_threads=THREADS)))
    events = final_events(engine, 11)
    assert isinstance(events[-1], ModelLoaded)
    fractions = [e.fraction for e in events if isinstance(e, LoadProgress)]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0
    engine.send(Generate(12, (user("hi"),), sampling=SamplingParams(max_tokens=5)))
    done = final_events(engine, 12)[-1]
    assert isinstance(done, GenerationDone) and done.timings.generated_tokens == 5


def test_cancel_over_the_protocol(engine: EngineProcess, tiny_gguf: Path) -> None:
    engine.send(LoadModel(1, str(tiny_gguf), LoadParams(n_ctx=2048, n_threads=THREADS)))
    final_events(engine, 1)
    engine.send(Generate(2, (user("go"),), sampling=SamplingParams(max_tokens=1500)))
    seen = 0
    while seen < 3:
        if isinstance(engine.recv(), TokenText):
            seen += 1
    engine.send(Cancel(2))
    events = final_events(engine, 2)
    done = events[-1]
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.STOPPED
    assert done.timings.generated_tokens < 1500


def test_spawned_engine_killed_by_sigkill_is_reported(tiny_gguf: Path) -> None:
    process = EngineProcess()
    process.start("llama")
    try:
        ready = process.recv()
        assert isinstance(ready, EngineReady) and ready.pid == process.pid != os.getpid()
        process.send(LoadModel(1, str(tiny_gguf), LoadParams(n_ctx=512, n_threads=1)))
        assert isinstance(final_events(process, 1)[-1], ModelLoaded)
        os.kill(ready.pid, signal.SIGKILL)
        with pytest.raises(EngineDied) as died:
            process.recv()
        assert died.value.exit_code == -signal.SIGKILL
        assert "killed by signal 9" in died.value.message
        assert not process.is_alive()
    finally:
        process.stop()
