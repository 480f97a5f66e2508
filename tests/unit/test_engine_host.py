"""The engine loop and the engine owner, driven with the scripted fake model."""

from __future__ import annotations

import time
from collections.abc import Iterator
from multiprocessing.connection import wait
from pathlib import Path

import pytest

from assistant.core.generation import LoadParams, SamplingParams
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
    Shutdown,
    TokenText,
)
from assistant.engine.fake_llm import write_fake_model
from assistant.engine.process import EngineDied, EngineProcess, describe_exit


def user(text: str) -> ChatTurn:
    return ChatTurn(Role.USER, text)


def events_until_done(engine: EngineProcess, request_id: int,
                      timeout: float = 10.0) -> list[Event]:
    """Events up to and including the final one of ``request_id``."""
    events: list[Event] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not engine.poll(0.05):
            continue
        event = engine.recv()
        events.append(event)
        if isinstance(event, GenerationDone | EngineError | ModelLoaded) \
                and event.request_id == request_id:
            return events
    raise AssertionError(f"no final event for request {request_id}: {events}")


@pytest.fixture
def engine() -> Iterator[EngineProcess]:
    process = EngineProcess()
    process.start_in_thread("fake")
    ready = process.recv()
    assert isinstance(ready, EngineReady)
    assert ready.gpu_offload is False and ready.physical_cores >= 1
    yield process
    process.stop(timeout=5)


def load(engine: EngineProcess, path: Path, request_id: int = 1) -> list[Event]:
    engine.send(LoadModel(request_id, str(path), LoadParams(n_ctx=64)))
    return events_until_done(engine, request_id)


def test_load_reports_progress_then_loaded(engine: EngineProcess, tmp_path: Path) -> None:
    model = write_fake_model(tmp_path / "m.json", name="Fake", load_steps=3)
    events = load(engine, model)
    progress = [e.fraction for e in events if isinstance(e, LoadProgress)]
    assert progress == pytest.approx([1 / 3, 2 / 3, 1.0])
    loaded = events[-1]
    assert isinstance(loaded, ModelLoaded)
    assert loaded.name == "Fake" and loaded.n_ctx == 64


def test_generate_streams_in_protocol_order(engine: EngineProcess, tmp_path: Path) -> None:
    load(engine, write_fake_model(tmp_path / "m.json", tokens=["Hel", "lo", "!"]))
    engine.send(Generate(2, (user("hi"),)))
    events = events_until_done(engine, 2)
    assert isinstance(events[0], GenerationStarted) and events[0].prompt_tokens > 0
    assert [e.text for e in events[1:-1] if isinstance(e, TokenText)] == ["Hel", "lo", "!"]
    done = events[-1]
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.COMPLETE
    assert done.timings.generated_tokens == 3


def test_generate_without_model_is_no_model_error(engine: EngineProcess) -> None:
    engine.send(Generate(5, (user("hi"),)))
    [error] = events_until_done(engine, 5)
    assert isinstance(error, EngineError) and error.code is ErrorCode.NO_MODEL
    assert error.message.startswith("Load a model first")


def test_missing_and_unreadable_model_files(engine: EngineProcess, tmp_path: Path) -> None:
    [missing] = load(engine, tmp_path / "absent.json", 1)
    assert isinstance(missing, EngineError) and missing.code is ErrorCode.MODEL_FILE
    assert "does not exist" in missing.message
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\xff not json")
    [bad] = load(engine, junk, 2)
    assert isinstance(bad, EngineError) and bad.code is ErrorCode.MODEL_FILE


def test_cancel_stops_within_one_token(engine: EngineProcess, tmp_path: Path) -> None:
    tokens = [f"t{i} " for i in range(200)]
    load(engine, write_fake_model(tmp_path / "m.json", tokens=tokens, delay_s=0.01))
    engine.send(Generate(2, (user("go"),)))
    seen = 0
    while seen < 3:
        if isinstance(engine.recv(), TokenText):
            seen += 1
    engine.send(Cancel(2))
    events = events_until_done(engine, 2)
    done = events[-1]
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.STOPPED
    after_cancel = [e for e in events if isinstance(e, TokenText)]
    # tokens already in the pipe when Cancel was sent, plus at most one more
    assert done.timings.generated_tokens == seen + len(after_cancel)
    assert len(after_cancel) <= 2


def test_requests_arriving_during_generation_run_afterwards_in_order(
        engine: EngineProcess, tmp_path: Path) -> None:
    load(engine, write_fake_model(tmp_path / "m.json", tokens=["a", "b", "c", "d"],
                                  delay_s=0.02))
    engine.send(Generate(2, (user("first"),)))
    engine.send(Cancel(99))  # not running: ignored
    engine.send(Generate(3, (user("second"),)))
    engine.send(Generate(4, (user("third"),)))
    engine.send(Cancel(4))  # still queued: answered as stopped without running
    events = events_until_done(engine, 3) + events_until_done(engine, 4)
    done = [e for e in events if isinstance(e, GenerationDone)]
    assert [(d.request_id, d.finish) for d in done] == [
        (2, FinishReason.COMPLETE), (3, FinishReason.COMPLETE), (4, FinishReason.STOPPED)]
    ids = [e.request_id for e in events if isinstance(e, TokenText)]
    assert ids == [2] * 4 + [3] * 4
    assert not any(isinstance(e, GenerationStarted) and e.request_id == 4 for e in events)


def test_python_exception_becomes_error_and_loop_survives(
        engine: EngineProcess, tmp_path: Path) -> None:
    load(engine, write_fake_model(tmp_path / "m.json", tokens=["x", "y"], error_after=1))
    engine.send(Generate(2, (user("boom"),)))
    events = events_until_done(engine, 2)
    error = events[-1]
    assert isinstance(error, EngineError) and error.code is ErrorCode.INTERNAL
    assert "scripted failure" in error.message and "\n" not in error.message
    load(engine, write_fake_model(tmp_path / "n.json", tokens=["ok"]), 3)
    engine.send(Generate(4, (user("again"),)))
    assert isinstance(events_until_done(engine, 4)[-1], GenerationDone)


def test_unknown_request_is_bad_request(engine: EngineProcess) -> None:
    engine.connection.send("hello")
    event = engine.recv()
    assert isinstance(event, EngineError) and event.code is ErrorCode.BAD_REQUEST


def test_kv_reuse_and_context_fitting_in_the_fake(engine: EngineProcess,
                                                  tmp_path: Path) -> None:
    load(engine, write_fake_model(tmp_path / "m.json", tokens=["ok"]))
    first = (user("one two three"),)
    engine.send(Generate(2, first))
    start1 = events_until_done(engine, 2)[0]
    second = (*first, ChatTurn(Role.ASSISTANT, "ok"), user("four"))
    engine.send(Generate(3, second, sampling=SamplingParams(max_tokens=8)))
    start2 = events_until_done(engine, 3)[0]
    assert isinstance(start1, GenerationStarted) and isinstance(start2, GenerationStarted)
    assert start2.reused_tokens == start1.prompt_tokens + 1  # the prompt and the answer
    long_history = tuple(user(" ".join(["word"] * 10)) for _ in range(20))
    engine.send(Generate(4, long_history, sampling=SamplingParams(max_tokens=8)))
    start3 = events_until_done(engine, 4)[0]
    assert isinstance(start3, GenerationStarted) and start3.dropped_turns > 0
    assert start3.prompt_tokens <= 64 - 8
    engine.send(Generate(5, (user(" ".join(["word"] * 100)),)))
    too_long = events_until_done(engine, 5)[-1]
    assert isinstance(too_long, EngineError) and too_long.code is ErrorCode.PROMPT_TOO_LONG


def test_shutdown_ends_the_thread(tmp_path: Path) -> None:
    process = EngineProcess()
    process.start_in_thread("fake")
    assert isinstance(process.recv(), EngineReady)
    assert not wait([process.sentinel], timeout=0)
    process.send(Shutdown())
    assert wait([process.sentinel], timeout=5)  # the sentinel reports the end
    with pytest.raises(EngineDied):
        process.recv()
    process.stop()
    assert not process.is_alive()


def test_describe_exit_sentences() -> None:
    assert "killed by signal 9" in describe_exit(-9)
    assert "native error (SIGABRT)" in describe_exit(-6)
    assert "exit code 3" in describe_exit(3)
    assert describe_exit(-9, killed_on_purpose=True).startswith("The engine was stopped")
    for code in (-9, -6, -11, 0, 3, None):
        text = describe_exit(code)
        assert text.endswith("next message.") and "\n" not in text


@pytest.mark.parametrize(("mode", "expected"), [("abort", "SIGABRT"), ("kill", "signal 9")])
def test_spawned_engine_crash_is_reported(tmp_path: Path, mode: str, expected: str) -> None:
    model = write_fake_model(tmp_path / "m.json", tokens=["a", "b", "c"], crash_after=1,
                             crash_mode=mode)
    process = EngineProcess()
    process.start("fake")
    try:
        assert isinstance(process.recv(), EngineReady)
        process.send(LoadModel(1, str(model)))
        process.send(Generate(2, (user("hi"),)))
        with pytest.raises(EngineDied) as died:
            while True:
                process.recv()
        assert expected in died.value.message
        assert not process.is_alive()
    finally:
        process.stop()


def test_slow_prompt_is_interrupted_by_kill(tmp_path: Path) -> None:
    model = write_fake_model(tmp_path / "m.json", tokens=["a"], prompt_delay_s=30)
    process = EngineProcess()
    process.start("fake")
    try:
        assert isinstance(process.recv(), EngineReady)
        process.send(LoadModel(1, str(model)))
        process.send(Generate(2, (user("hi"),)))
        while not isinstance(process.recv(), GenerationStarted):
            pass
        process.send(Cancel(2))
        assert not process.poll(0.5)  # deaf while "processing the prompt"
        started = time.monotonic()
        process.kill()
        assert time.monotonic() - started < 5
        with pytest.raises(EngineDied) as died:
            process.recv()
        assert died.value.message.startswith("The engine was stopped to interrupt")
    finally:
        process.stop()
