"""The worker-thread bridge to the engine, driven with the scripted fake model.

Most tests run the engine in a thread of this process (fast); the ones that need a real
process (killing a stuck engine, native crashes, shutting down a hung engine) spawn one.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal, Slot
from pytestqt.qtbot import QtBot

from assistant.client.background import run_in_background
from assistant.client.engine_client import EngineClient
from assistant.core.generation import LoadParams, SamplingParams
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    EngineError,
    EngineReady,
    ErrorCode,
    FinishReason,
    GenerationDone,
    ModelLoaded,
)
from assistant.engine.fake_llm import write_fake_model

PARAMS = LoadParams(n_ctx=4096, n_threads=1)
TURNS = (ChatTurn(Role.USER, "hello there"),)


class Recorder(QObject):
    """Records every signal of an EngineClient, in order, with the time it arrived."""

    def __init__(self, client: EngineClient) -> None:
        super().__init__()
        self.log: list[tuple[str, Any, float]] = []
        client.ready.connect(self.on_ready)
        client.loadProgress.connect(self.on_progress)
        client.modelLoaded.connect(self.on_loaded)
        client.generationStarted.connect(self.on_started)
        client.tokensArrived.connect(self.on_tokens)
        client.generationFinished.connect(self.on_finished)
        client.requestFailed.connect(self.on_failed)
        client.engineCrashed.connect(self.on_crashed)

    def _add(self, kind: str, value: Any) -> None:
        self.log.append((kind, value, time.monotonic()))

    @Slot(object)
    def on_ready(self, event: object) -> None:
        self._add("ready", event)

    @Slot(int, float)
    def on_progress(self, request_id: int, fraction: float) -> None:
        self._add("progress", (request_id, fraction))

    @Slot(object)
    def on_loaded(self, event: object) -> None:
        self._add("loaded", event)

    @Slot(object)
    def on_started(self, event: object) -> None:
        self._add("started", event)

    @Slot(int, str)
    def on_tokens(self, request_id: int, text: str) -> None:
        self._add("tokens", (request_id, text))

    @Slot(object)
    def on_finished(self, event: object) -> None:
        self._add("finished", event)

    @Slot(object)
    def on_failed(self, event: object) -> None:
        self._add("failed", event)

    @Slot(str)
    def on_crashed(self, message: str) -> None:
        self._add("crashed", message)

    def of(self, kind: str) -> list[Any]:
        return [value for k, value, _ in self.log if k == kind]

    def text(self, request_id: int) -> str:
        return "".join(text for rid, text in self.of("tokens") if rid == request_id)

    def final(self, request_id: int) -> Any | None:
        for kind, value, _ in self.log:
            if kind in ("finished", "failed") and value.request_id == request_id:
                return value
        return None


ClientFactory = Callable[..., tuple[EngineClient, Recorder]]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    clients: list[EngineClient] = []

    def make(**kwargs: Any) -> tuple[EngineClient, Recorder]:
        kwargs.setdefault("in_thread", True)
        client = EngineClient("fake", **kwargs)
        clients.append(client)
        recorder = Recorder(client)
        client.start()
        return client, recorder

    yield make
    for client in clients:
        client.shutdown(timeout_s=2.0)


def load(qtbot: QtBot, client: EngineClient, recorder: Recorder, path: Path) -> ModelLoaded:
    request_id = client.load_model(str(path), PARAMS)
    qtbot.waitUntil(lambda: any(e.request_id == request_id for e in recorder.of("loaded"))
                    or recorder.final(request_id) is not None, timeout=10_000)
    return next(e for e in recorder.of("loaded") if e.request_id == request_id)


def answer(qtbot: QtBot, client: EngineClient, recorder: Recorder,
           sampling: SamplingParams | None = None,
           timeout_ms: int = 10_000) -> tuple[int, Any]:
    request_id = client.generate(TURNS, "", sampling or SamplingParams(temperature=0))
    qtbot.waitUntil(lambda: recorder.final(request_id) is not None, timeout=timeout_ms)
    return request_id, recorder.final(request_id)


def test_load_then_generate_streams_in_order(qtbot: QtBot, make_client: ClientFactory,
                                             tmp_path: Path) -> None:
    client, recorder = make_client()
    model = write_fake_model(tmp_path / "m.json", name="Fake", load_steps=2,
                             tokens=["Hel", "lo", " world"], delay_s=0.01)
    loaded = load(qtbot, client, recorder, model)
    assert loaded.name == "Fake" and client.loaded_model == loaded
    assert isinstance(recorder.of("ready")[0], EngineReady)
    assert [f for rid, f in recorder.of("progress") if rid == loaded.request_id] == [0.5, 1.0]

    request_id = client.generate(TURNS, "", SamplingParams(temperature=0))
    assert client.is_busy
    qtbot.waitUntil(lambda: recorder.final(request_id) is not None, timeout=10_000)
    done = recorder.final(request_id)
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.COMPLETE
    assert done.timings.generated_tokens == 3
    assert recorder.text(request_id) == "Hello world"
    kinds = [k for k, v, _ in recorder.log if getattr(v, "request_id", None) == request_id
             or (k == "tokens" and v[0] == request_id)]
    assert kinds[0] == "started" and kinds[-1] == "finished"
    assert set(kinds[1:-1]) == {"tokens"}
    assert not client.is_busy


def test_generate_without_a_model_fails_with_a_sentence(qtbot: QtBot,
                                                        make_client: ClientFactory) -> None:
    client, recorder = make_client()
    _, failure = answer(qtbot, client, recorder)
    assert isinstance(failure, EngineError) and failure.code is ErrorCode.NO_MODEL
    assert failure.message.endswith(".")
    assert not client.is_busy


def test_many_tiny_tokens_arrive_coalesced_and_exact(qtbot: QtBot, make_client: ClientFactory,
                                                     tmp_path: Path) -> None:
    client, recorder = make_client(frame_interval_s=0.05)
    tokens = [f"t{i} " for i in range(2000)]
    load(qtbot, client, recorder, write_fake_model(tmp_path / "m.json", tokens=tokens))
    started = time.monotonic()
    request_id, done = answer(qtbot, client, recorder, SamplingParams(max_tokens=3000))
    elapsed = time.monotonic() - started
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.COMPLETE
    assert recorder.text(request_id) == "".join(tokens)
    emissions = [t for k, v, t in recorder.log if k == "tokens" and v[0] == request_id]
    assert len(emissions) <= elapsed / 0.05 + 2, (len(emissions), elapsed)
    assert len(emissions) < len(tokens) / 10
    last_tokens = max(t for k, v, t in recorder.log if k == "tokens")
    assert last_tokens <= next(t for k, v, t in recorder.log if k == "finished")


def test_cancel_mid_stream_finishes_stopped_quickly(qtbot: QtBot, make_client: ClientFactory,
                                                    tmp_path: Path) -> None:
    client, recorder = make_client()
    tokens = [f" w{i}" for i in range(500)]
    load(qtbot, client, recorder, write_fake_model(tmp_path / "m.json", tokens=tokens,
                                                   delay_s=0.01))
    request_id = client.generate(TURNS, "", SamplingParams(temperature=0))
    qtbot.waitUntil(lambda: recorder.text(request_id) != "", timeout=10_000)
    asked = time.monotonic()
    client.cancel(request_id)
    qtbot.waitUntil(lambda: recorder.final(request_id) is not None, timeout=2_000)
    assert time.monotonic() - asked < 0.5
    done = recorder.final(request_id)
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.STOPPED
    text = recorder.text(request_id)
    assert text and "".join(tokens).startswith(text) and len(text) < len("".join(tokens))
    assert not recorder.of("crashed")
    client.cancel(request_id)  # finished: no-op
    client.cancel(987_654)  # unknown: no-op
    _, again = answer(qtbot, client, recorder, SamplingParams(max_tokens=3))
    assert isinstance(again, GenerationDone) and again.finish is FinishReason.LENGTH


def test_cancel_of_a_queued_answer_stops_it_at_once(qtbot: QtBot, make_client: ClientFactory,
                                                     tmp_path: Path) -> None:
    client, recorder = make_client()
    load(qtbot, client, recorder, write_fake_model(tmp_path / "m.json", tokens=["a"] * 50,
                                                   delay_s=0.01))
    first = client.generate(TURNS, "", SamplingParams())
    second = client.generate(TURNS, "", SamplingParams())
    client.cancel(second)
    qtbot.waitUntil(lambda: recorder.final(first) is not None, timeout=10_000)
    stopped = recorder.final(second)
    assert isinstance(stopped, GenerationDone) and stopped.finish is FinishReason.STOPPED
    assert stopped.timings.generated_tokens == 0
    assert recorder.final(first).finish is FinishReason.COMPLETE


def test_cancel_during_a_deaf_prompt_kills_restarts_and_reloads(
        qtbot: QtBot, make_client: ClientFactory, tmp_path: Path) -> None:
    client, recorder = make_client(in_thread=False, cancel_grace_s=0.3)
    model = write_fake_model(tmp_path / "m.json", tokens=["x"], prompt_delay_s=30)
    load(qtbot, client, recorder, model)
    request_id = client.generate(TURNS, "", SamplingParams())
    qtbot.waitUntil(lambda: bool(recorder.of("started")), timeout=10_000)
    write_fake_model(model, tokens=["fresh", " answer"])  # what the re-load will read
    asked = time.monotonic()
    client.cancel(request_id)
    qtbot.waitUntil(lambda: recorder.final(request_id) is not None, timeout=3_000)
    assert time.monotonic() - asked < 1.5
    done = recorder.final(request_id)
    assert isinstance(done, GenerationDone) and done.finish is FinishReason.STOPPED
    assert done.timings.prompt_tokens > 0
    qtbot.waitUntil(lambda: len(recorder.of("loaded")) == 2, timeout=10_000)
    assert len(recorder.of("ready")) == 2
    assert not recorder.of("crashed") and not recorder.of("failed")
    next_id, again = answer(qtbot, client, recorder)
    assert isinstance(again, GenerationDone) and again.finish is FinishReason.COMPLETE
    assert recorder.text(next_id) == "fresh answer"


def test_crash_mid_stream_fails_the_answer_then_restarts(
        qtbot: QtBot, make_client: ClientFactory, tmp_path: Path) -> None:
    client, recorder = make_client(in_thread=False)
    model = write_fake_model(tmp_path / "m.json", tokens=["a", "b", "c", "d", "e"],
                             crash_after=3, crash_mode="abort")
    load(qtbot, client, recorder, model)
    request_id, failure = answer(qtbot, client, recorder)
    assert isinstance(failure, EngineError) and failure.code is ErrorCode.ENGINE_CRASHED
    assert "SIGABRT" in failure.message
    assert recorder.text(request_id) == "abc"
    qtbot.waitUntil(lambda: bool(recorder.of("crashed")), timeout=2_000)
    assert recorder.of("crashed") == [failure.message]
    assert client.loaded_model is not None and not client.is_busy

    write_fake_model(model, tokens=["fine"])
    next_id, done = answer(qtbot, client, recorder)
    assert isinstance(done, GenerationDone) and recorder.text(next_id) == "fine"
    assert len(recorder.of("loaded")) == 2 and len(recorder.of("ready")) == 2
    assert len(recorder.of("crashed")) == 1


def test_a_reload_that_crashes_is_reported_and_not_retried(
        qtbot: QtBot, make_client: ClientFactory, tmp_path: Path) -> None:
    client, recorder = make_client(in_thread=False)
    model = write_fake_model(tmp_path / "bad-model.json", tokens=["a", "b"], crash_after=1)
    load(qtbot, client, recorder, model)
    answer(qtbot, client, recorder)  # crashes the first engine
    write_fake_model(model, tokens=["a"], load_delay_s=30, load_steps=1)  # the re-load hangs …
    request_id = client.generate(TURNS, "", SamplingParams())
    qtbot.waitUntil(lambda: len(recorder.of("ready")) == 2, timeout=10_000)
    os.kill(recorder.of("ready")[1].pid, signal.SIGKILL)  # … and die, like a native abort
    qtbot.waitUntil(lambda: recorder.final(request_id) is not None, timeout=5_000)
    failure = recorder.final(request_id)
    assert isinstance(failure, EngineError) and failure.code is ErrorCode.MODEL_FILE
    assert "bad-model.json" in failure.message
    assert client.loaded_model is None and not client.is_busy

    _, next_failure = answer(qtbot, client, recorder)  # fresh engine, no re-load attempted
    assert isinstance(next_failure, EngineError) and next_failure.code is ErrorCode.NO_MODEL
    assert len(recorder.of("loaded")) == 1


def test_shutdown_returns_in_time_with_a_hung_engine(qtbot: QtBot, make_client: ClientFactory,
                                                     tmp_path: Path) -> None:
    client, recorder = make_client(in_thread=False)
    load(qtbot, client, recorder, write_fake_model(tmp_path / "m.json", prompt_delay_s=60))
    pid = recorder.of("ready")[0].pid
    client.generate(TURNS, "", SamplingParams())
    qtbot.waitUntil(lambda: bool(recorder.of("started")), timeout=10_000)
    started = time.monotonic()
    client.shutdown(timeout_s=1.0)
    assert time.monotonic() - started < 1.5
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    client.shutdown()  # a second call does nothing
    late = client.generate(TURNS)
    qtbot.waitUntil(lambda: recorder.final(late) is not None, timeout=1_000)
    assert recorder.final(late).code is ErrorCode.ENGINE_CRASHED


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []
        self.errors: list[str] = []

    @Slot(object)
    def done(self, result: object) -> None:
        self.results.append(result)

    @Slot(str)
    def failed(self, message: str) -> None:
        self.errors.append(message)


def _square(value: int) -> int:
    return value * value


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not a model file Mosaic can read.")


def test_run_in_background_delivers_results_and_errors(qtbot: QtBot) -> None:
    receiver = Receiver()
    run_in_background(_square, 7, on_done=receiver.done, on_error=receiver.failed)
    run_in_background(_refuse, "x.gguf", on_done=receiver.done, on_error=receiver.failed)
    qtbot.waitUntil(lambda: bool(receiver.results and receiver.errors), timeout=5_000)
    assert receiver.results == [49]
    assert receiver.errors == ["x.gguf is not a model file Mosaic can read."]
    with pytest.raises(TypeError, match="bound method of a QObject"):
        run_in_background(_square, 1, on_done=lambda r: None, on_error=receiver.failed)


class _Emitter(QObject):
    ping = Signal(object)


def test_signal_emit_keeps_its_references() -> None:
    """PySide6 6.12.0 drops a reference to ``True`` on every ``emit()``; under Python 3.11 the
    process aborts ("bool_dealloc") after a few thousand signals, i.e. within one answer."""
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(500):
        emitter.ping.emit(None)
    assert sys.getrefcount(True) - before > -100, (
        "this PySide6 build loses a reference on every signal emit; use PySide6 < 6.12")
