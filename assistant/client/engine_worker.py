"""The loop that owns the engine, run by the client's worker thread (no Qt in here).

:class:`EngineWorker` is the only owner of an :class:`~assistant.engine.process.EngineProcess`.
Other threads talk to it through :meth:`submit`, :meth:`cancel` and :meth:`stop`, which put a
command on a queue and write one byte to a wake-up pipe; :meth:`run` blocks in
``multiprocessing.connection.wait`` on that pipe, the engine's connection and its sentinel.
Everything it has to say goes out through ``emit(event)`` as plain frozen dataclasses: the
protocol events, plus :class:`TokensFlushed`, :class:`EngineCrashed` and :class:`ModelForgotten`.

Policies:

- one LoadModel, Generate or Transcribe is with the engine at a time; the rest wait here, in order;
- TokenText is coalesced: at most one :class:`TokensFlushed` per ``frame_interval_s``, and
  always before the answer's GenerationDone or EngineError;
- a Cancel the engine has not honoured within ``cancel_grace_s`` (a long native prompt
  evaluation) kills the engine, finishes the answer as STOPPED and starts a fresh engine that
  re-loads the last model;
- when the engine dies, the request it was running fails, :class:`EngineCrashed` goes out once,
  and the next request starts a fresh engine that first re-loads the last model; a model whose
  loading killed the engine is reported and never re-loaded by itself.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from assistant.core.generation import Timings
from assistant.core.protocol import (
    Cancel,
    EngineError,
    EngineReady,
    ErrorCode,
    FinishReason,
    Generate,
    GenerationDone,
    GenerationStarted,
    LoadModel,
    LoadProgress,
    ModelLoaded,
    Request,
    TokenText,
    Transcribe,
    TranscriptionDone,
    TranscriptionProgress,
)
from assistant.engine.process import EngineDied, EngineProcess, describe_exit

log = logging.getLogger(__name__)

MAX_EVENTS_PER_STEP = 256  # read the inbox (a Cancel) at least this often during a burst
MAX_CONSECUTIVE_FAILURES = 3
TRANSCRIBE_CANCEL_GRACE_S = 15.0  # a Whisper window takes seconds; killing costs a re-load


@dataclass(frozen=True)
class TokensFlushed:
    """Text of one answer that arrived since the previous flush, in order."""

    request_id: int
    text: str


@dataclass(frozen=True)
class EngineCrashed:
    """The engine process ended unexpectedly; ``message`` is one sentence."""

    message: str


@dataclass(frozen=True)
class ModelForgotten:
    """``path`` stopped the engine while loading and will not be re-loaded by itself."""

    path: str


@dataclass(frozen=True)
class _Stop:
    timeout_s: float


@dataclass(frozen=True)
class _Queued:
    request: LoadModel | Generate | Transcribe
    reload_for: int | None = None  # a re-load that request ``reload_for`` is waiting on
    is_reload: bool = False


@dataclass
class _Running:
    """The request the engine is working on, and what it has cost so far."""

    item: _Queued
    sent_at: float
    started: GenerationStarted | None = None
    first_token_at: float | None = None
    tokens: int = 0
    cancel_deadline: float | None = None
    opening_projector: bool = False  # a LoadModel got as far as opening its mmproj

    @property
    def request_id(self) -> int:
        return self.item.request.request_id


class EngineWorker:
    """Runs requests on one engine at a time; see the module documentation."""

    def __init__(self, emit: Callable[[object], None], new_id: Callable[[], int], *,
                 backend: str = "llama", options: dict[str, Any] | None = None,
                 in_thread: bool = False, frame_interval_s: float = 1 / 60,
                 cancel_grace_s: float = 1.0) -> None:
        self._emit = emit
        self._new_id = new_id
        self._backend = backend
        self._options = dict(options) if options else None
        self._in_thread = in_thread
        self._frame_interval_s = frame_interval_s
        self._cancel_grace_s = cancel_grace_s
        self._inbox: queue.SimpleQueue[Request | _Stop] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        self._wake_lock = threading.Lock()
        self._wake_pending = False
        self._closed = False
        # Everything below belongs to the thread running ``run``.
        self._engine: EngineProcess | None = None
        self._queued: deque[_Queued] = deque()
        self._running: _Running | None = None
        self._last_model: LoadModel | None = None
        self._buffer: dict[int, list[str]] = {}
        self._last_flush = -math.inf
        self._stop_timeout: float | None = None

    # --- any thread ---------------------------------------------------------------

    def submit(self, request: LoadModel | Generate | Transcribe) -> None:
        self._post(request)

    def cancel(self, request_id: int) -> None:
        self._post(Cancel(request_id))

    def stop(self, timeout_s: float) -> None:
        """Ask ``run`` to stop the engine (killing it after ``timeout_s``) and return."""
        self._post(_Stop(timeout_s))

    def _post(self, command: Request | _Stop) -> None:
        self._inbox.put(command)
        with self._wake_lock:
            if self._closed or self._wake_pending:
                return
            self._wake_pending = True
            try:
                self._wake_writer.send_bytes(b"!")
            except (OSError, ValueError):
                log.debug("engine worker: wake-up pipe already closed")

    # --- the worker thread --------------------------------------------------------

    def run(self) -> None:
        """Serve until :meth:`stop`; then stop the engine and return."""
        try:
            message = self._start_engine()
            if message:
                self._emit(EngineCrashed(message))
            failures = 0
            while self._stop_timeout is None:
                try:
                    self._step()
                    failures = 0
                except Exception:  # a bug here must not leave the window waiting forever
                    log.exception("engine worker step failed")
                    failures += 1
                    self._fail_everything("The connection to the engine failed unexpectedly; "
                                          "try again, or restart Mosaic if it keeps happening.")
                    if failures >= MAX_CONSECUTIVE_FAILURES:
                        self._emit(EngineCrashed("The connection to the engine keeps failing; "
                                                 "restart Mosaic."))
                        break
        finally:
            self._finish_running_as_stopped()
            if self._engine is not None:
                self._engine.stop(self._stop_timeout if self._stop_timeout is not None else 1.0)
                self._engine = None
            with self._wake_lock:
                self._closed = True
                self._wake_writer.close()
                self._wake_reader.close()

    def _step(self) -> None:
        engine = self._engine
        handles: list[Any] = [self._wake_reader]
        if engine is not None:
            handles += [engine.connection, engine.sentinel]
        ready = wait(handles, self._timeout())
        if self._wake_reader in ready:
            self._read_inbox()
        if engine is not None and engine is self._engine:
            self._read_engine(engine, sentinel_ready=engine.sentinel in ready)
        self._check_deadlines()
        self._dispatch()

    def _timeout(self) -> float | None:
        deadlines = []
        if self._buffer:
            deadlines.append(self._last_flush + self._frame_interval_s)
        if self._running is not None and self._running.cancel_deadline is not None:
            deadlines.append(self._running.cancel_deadline)
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def _read_inbox(self) -> None:
        with self._wake_lock:
            self._wake_pending = False
            while self._wake_reader.poll():
                self._wake_reader.recv_bytes()
        while True:
            try:
                command = self._inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(command, _Stop):
                self._stop_timeout = max(0.0, command.timeout_s)
            elif isinstance(command, Cancel):
                self._cancel(command.request_id)
            else:
                self._queued.append(_Queued(command))

    def _read_engine(self, engine: EngineProcess, sentinel_ready: bool) -> None:
        try:
            for _ in range(MAX_EVENTS_PER_STEP):
                if engine is not self._engine or not engine.poll(0):
                    break
                self._on_event(engine.recv())
            else:
                return  # more to read: the next wait returns at once
        except EngineDied as died:
            self._on_engine_died(died.message)
            return
        if sentinel_ready and engine is self._engine and not engine.poll(0):
            self._on_engine_died(describe_exit(engine.ended_exit_code()))

    # --- engine events ------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        running = self._running
        event_id = getattr(event, "request_id", None)
        mine = running is not None and event_id == running.request_id
        if isinstance(event, TokenText):
            first = False
            if mine and running is not None:
                running.tokens += 1
                if running.first_token_at is None:
                    running.first_token_at = time.monotonic()
                    first = True
            self._buffer.setdefault(event.request_id, []).append(event.text)
            # The first text of an answer goes out at once: it is what the person waits for.
            if first or time.monotonic() - self._last_flush >= self._frame_interval_s:
                self._flush()
            return
        if isinstance(event, GenerationStarted):
            if mine and running is not None:
                running.started = event
        elif isinstance(event, ModelLoaded):
            if mine and running is not None:
                self._last_model = running.item.request  # type: ignore[assignment]
                self._running = None
        elif isinstance(event, GenerationDone | TranscriptionDone):
            self._flush()
            if mine:
                self._running = None
        elif isinstance(event, EngineError):
            self._flush()
            if mine and running is not None:
                self._running = None
                if (event.model_unloaded and self._last_model is not None
                        and not running.item.is_reload):
                    # The engine freed the old model before the new one failed to load.
                    self._emit(ModelForgotten(self._last_model.path))
                    self._last_model = None
                event = self._reload_failed(running.item, event) or event
        elif isinstance(event, LoadProgress):
            if mine and running is not None and event.stage == "projector":
                running.opening_projector = True
        elif not isinstance(event, EngineReady | TranscriptionProgress):
            log.warning("engine worker: ignoring unexpected event %r", type(event).__name__)
            return
        self._emit(event)

    def _reload_failed(self, item: _Queued, error: EngineError) -> EngineError | None:
        """After a re-load failed: forget the model and fail the request that waited on it."""
        if not item.is_reload:
            return None
        self._forget(item.request)
        if item.reload_for is None:
            return None
        self._drop_queued(item.reload_for)
        return EngineError(item.reload_for, error.code, error.message)

    def _on_engine_died(self, message: str) -> None:
        self._discard_engine(kill=False)
        self._flush()
        running, self._running = self._running, None
        if running is not None:
            request = running.item.request
            if isinstance(request, LoadModel):
                name = Path(request.path).name
                failed_id = running.item.reload_for or request.request_id
                if running.item.reload_for is not None:
                    self._drop_queued(running.item.reload_for)
                self._forget(request)
                if running.opening_projector:
                    self._emit(EngineError(
                        failed_id, ErrorCode.PROJECTOR_FILE,
                        f"The engine stopped while opening the vision projector "
                        f"{Path(request.mmproj).name}: the file is damaged or not made for "
                        f"this version of llama.cpp. {name} can still be used without "
                        "images; download the mmproj again or choose another one."))
                else:
                    self._emit(EngineError(
                        failed_id, ErrorCode.MODEL_FILE,
                        f"The engine stopped while loading {name}, so Mosaic will not load "
                        "it again by itself; the file may be damaged or unsupported — "
                        "choose another model file."))
            else:
                self._emit(EngineError(request.request_id, ErrorCode.ENGINE_CRASHED, message))
        self._emit(EngineCrashed(message))

    # --- requests -----------------------------------------------------------------

    def _cancel(self, request_id: int) -> None:
        running = self._running
        if (running is not None and running.request_id == request_id
                and isinstance(running.item.request, Generate | Transcribe)):
            if running.cancel_deadline is None and self._engine is not None:
                # Whisper checks for a Cancel between 30-second windows, not between tokens.
                grace = (self._cancel_grace_s if isinstance(running.item.request, Generate)
                         else max(self._cancel_grace_s, TRANSCRIBE_CANCEL_GRACE_S))
                running.cancel_deadline = time.monotonic() + grace
                try:
                    self._engine.send(Cancel(request_id))
                except EngineDied:
                    log.debug("engine worker: the engine ended before the Cancel")
            return
        for item in self._queued:
            if (item.request.request_id == request_id
                    and isinstance(item.request, Generate | Transcribe)):
                self._queued.remove(item)
                self._emit(_stopped(item.request, None, time.monotonic()))
                return

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        if self._buffer and now - self._last_flush >= self._frame_interval_s:
            self._flush()
        running = self._running
        if running is None or running.cancel_deadline is None or now < running.cancel_deadline:
            return
        log.info("engine worker: request %s ignored Cancel; restarting the engine",
                 running.request_id)
        self._discard_engine(kill=True)
        self._flush()
        self._running = None
        self._emit(_stopped(running.item.request, running, now))
        message = self._start_engine()
        if message:
            self._emit(EngineCrashed(message))
        elif self._last_model is not None:
            self._queued.appendleft(self._reload(None))

    def _dispatch(self) -> None:
        if self._running is not None or not self._queued or self._stop_timeout is not None:
            return
        if self._engine is None:
            message = self._start_engine()
            if message:
                item = self._queued.popleft()
                self._emit(EngineError(item.request.request_id, ErrorCode.ENGINE_CRASHED,
                                       message))
                return
            # A fresh engine re-loads the model before an answer (not before a transcription).
            if self._last_model is not None and isinstance(self._queued[0].request, Generate):
                self._queued.appendleft(self._reload(self._queued[0].request.request_id))
        assert self._engine is not None
        item = self._queued.popleft()
        self._running = _Running(item, sent_at=time.monotonic())
        try:
            self._engine.send(item.request)
        except EngineDied as died:
            self._on_engine_died(died.message)

    def _reload(self, reload_for: int | None) -> _Queued:
        assert self._last_model is not None
        last = self._last_model
        request = LoadModel(self._new_id(), last.path, last.params, last.mmproj)
        return _Queued(request, reload_for=reload_for, is_reload=True)

    # --- helpers ------------------------------------------------------------------

    def _start_engine(self) -> str | None:
        """Start a fresh engine; a sentence saying why it could not start, or None."""
        engine = EngineProcess()
        try:
            if self._in_thread:
                engine.start_in_thread(self._backend, self._options)
            else:
                engine.start(self._backend, self._options)
        except Exception as exc:
            log.exception("engine worker: the engine did not start")
            return (f"The engine could not start ({type(exc).__name__}: "
                    f"{' '.join(str(exc).split())[:200]}); check that Mosaic is installed "
                    "completely, then try again.")
        self._engine = engine
        return None

    def _discard_engine(self, kill: bool) -> None:
        engine, self._engine = self._engine, None
        if engine is None:
            return
        if kill:
            engine.kill()
        if not engine.is_alive():  # an in-thread engine may still be finishing a native call
            engine.stop(0.0)  # releases the pipe and handles

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        buffer, self._buffer = self._buffer, {}
        for request_id, parts in buffer.items():
            self._emit(TokensFlushed(request_id, "".join(parts)))

    def _forget(self, request: LoadModel) -> None:
        if self._last_model is not None and self._last_model.path == request.path:
            self._last_model = None
        self._emit(ModelForgotten(request.path))

    def _drop_queued(self, request_id: int) -> None:
        for item in list(self._queued):
            if item.request.request_id == request_id:
                self._queued.remove(item)

    def _finish_running_as_stopped(self) -> None:
        """On stop: the answer being generated ends as STOPPED; queued requests are dropped."""
        with contextlib.suppress(Exception):
            self._flush()
            running, self._running = self._running, None
            if running is not None and isinstance(running.item.request, Generate | Transcribe):
                self._emit(_stopped(running.item.request, running, time.monotonic()))
            self._queued.clear()

    def _fail_everything(self, message: str) -> None:
        self._discard_engine(kill=True)
        self._flush()
        running, self._running = self._running, None
        items = ([running.item] if running is not None else []) + list(self._queued)
        self._queued.clear()
        failed: set[int] = set()
        for item in items:
            request_id = item.reload_for if item.is_reload else item.request.request_id
            if request_id is not None and request_id not in failed:
                failed.add(request_id)
                self._emit(EngineError(request_id, ErrorCode.INTERNAL, message))


def _stopped(request: Generate | Transcribe, running: _Running | None,
             now: float) -> GenerationDone | TranscriptionDone:
    """How a request the person stopped (or that was killed) ends for the window."""
    if isinstance(request, Transcribe):
        return TranscriptionDone(request.request_id, "", "", 0.0, 0.0, 0.0)
    timings = _partial_timings(running, now) if running is not None else Timings()
    return GenerationDone(request.request_id, FinishReason.STOPPED, timings)


def _partial_timings(running: _Running, now: float) -> Timings:
    """What an interrupted answer cost up to ``now``."""
    started = running.started
    first = running.first_token_at
    return Timings(
        prompt_tokens=started.prompt_tokens if started else 0,
        reused_tokens=started.reused_tokens if started else 0,
        generated_tokens=running.tokens,
        time_to_first_token_s=(first - running.sent_at) if first is not None else 0.0,
        generation_s=(now - first) if first is not None else 0.0)
