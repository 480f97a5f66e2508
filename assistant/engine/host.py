"""The engine loop: reads requests from a connection, runs them, sends events back.

Runs in the engine process (or in a thread, for unit tests). Protocol, per request:

- ``LoadModel`` → ``LoadProgress``* then ``ModelLoaded`` or ``EngineError``;
- ``Generate`` → ``GenerationStarted``, ``TokenText``*, ``GenerationDone`` — or an
  ``EngineError`` at any point (before ``GenerationStarted`` when the prompt cannot be built);
  a Generate cancelled while it was still queued answers ``GenerationDone(STOPPED)`` alone;
- ``Transcribe`` → ``TranscriptionProgress``* (long recordings) then ``TranscriptionDone``
  (text "" when there was no speech) or ``EngineError`` (codes ``speech_model``, ``audio``);
  the Whisper model loads on the first Transcribe for its path (:mod:`.speech`);
- ``Cancel`` of the running request stops it within one token (the backend polls between
  tokens and prompt chunks; Whisper between tokens and voice-activity batches); requests
  arriving meanwhile run afterwards, in order; a Cancel for any other request is ignored.
  A cancelled Generate ends with ``GenerationDone(STOPPED)``, a cancelled Transcribe with
  ``TranscriptionDone`` holding the text transcribed so far (a queued one: text "");
- ``Shutdown`` or end-of-file on the connection ends the loop (stopping a running answer).

Every Python exception inside a request becomes an ``EngineError``; the loop keeps serving.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from multiprocessing.connection import Connection
from typing import Any

from assistant.core.generation import Timings
from assistant.core.hardware import physical_cores
from assistant.core.protocol import (
    Cancel,
    EngineError,
    EngineReady,
    ErrorCode,
    Event,
    FinishReason,
    Generate,
    GenerationDone,
    LoadModel,
    LoadProgress,
    Shutdown,
    Transcribe,
    TranscriptionDone,
)
from assistant.engine.backend import BackendError, LLMBackend
from assistant.engine.speech import SpeechEngine

log = logging.getLogger(__name__)

NO_MODEL_MESSAGE = "Load a model first: choose a model file, then send your message again."


class _ClientGone(Exception):
    """The other end of the connection closed; nobody is listening any more."""


class _Unreadable:
    """Stands in for a message that could not be unpickled."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def make_backend(backend: str, options: dict[str, Any] | None = None) -> LLMBackend:
    """Create the backend called ``backend`` ("llama" or "fake")."""
    if backend == "fake":
        from assistant.engine.fake_llm import FakeLLM

        return FakeLLM(options)
    if backend == "llama":
        from assistant.engine.llama_backend import LlamaBackend

        return LlamaBackend(options)
    raise ValueError(f"unknown engine backend {backend!r}")


class _Host:
    def __init__(self, conn: Connection, backend: LLMBackend,
                 speech: SpeechEngine | None = None) -> None:
        self.conn = conn
        self.backend = backend
        self.speech = speech or SpeechEngine()
        self.pending: deque[Any] = deque()
        self.cancelled_queued: set[int] = set()
        self.running_id: int | None = None
        self.stop_running = False
        self.closing = False

    # --- connection ---------------------------------------------------------------

    def send(self, event: Event) -> None:
        try:
            self.conn.send(event)
        except (OSError, ValueError) as exc:  # broken pipe, closed handle
            raise _ClientGone from exc

    def _receive(self) -> Any:
        """One request from the connection; None at end-of-file."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            return None
        except Exception as exc:  # bytes that do not unpickle to a request
            return _Unreadable(_one_line(exc))

    def _take(self, request: Any) -> None:
        """File a request that arrived while another one was running."""
        if request is None or isinstance(request, Shutdown):
            self.closing = True
            self.stop_running = True
        elif isinstance(request, Cancel):
            if request.request_id == self.running_id:
                self.stop_running = True
            elif any(getattr(queued, "request_id", None) == request.request_id
                     for queued in self.pending):
                self.cancelled_queued.add(request.request_id)
        else:
            self.pending.append(request)

    def should_stop(self) -> bool:
        """Read whatever arrived; True once the running request must stop."""
        if not self.stop_running:
            try:
                while not self.closing and self.conn.poll(0):
                    self._take(self._receive())
            except (OSError, ValueError):
                self._take(None)
        return self.stop_running

    def emit(self, event: Event) -> None:
        self.send(event)

    # --- requests -----------------------------------------------------------------

    def run(self) -> None:
        self.send(EngineReady(pid=os.getpid(), gpu_offload=self.backend.gpu_offload(),
                              physical_cores=physical_cores(),
                              backend_version=self.backend.version()))
        while not self.closing:
            request = self.pending.popleft() if self.pending else self._receive()
            if request is None or isinstance(request, Shutdown):
                break
            self.handle(request)

    def handle(self, request: Any) -> None:
        request_id = getattr(request, "request_id", None)
        try:
            if isinstance(request, LoadModel):
                self._load(request)
            elif isinstance(request, Generate):
                self._generate(request)
            elif isinstance(request, Transcribe):
                self._transcribe(request)
            elif isinstance(request, Cancel):
                self.cancelled_queued.discard(request.request_id)
            elif isinstance(request, _Unreadable):
                self.send(EngineError(None, ErrorCode.BAD_REQUEST,
                                      f"The engine received a message it cannot read "
                                      f"({request.reason})."))
            else:
                self.send(EngineError(request_id, ErrorCode.BAD_REQUEST,
                                      f"The engine does not understand a "
                                      f"{type(request).__name__} request."))
        except _ClientGone:
            raise
        except BackendError as exc:
            unloaded = isinstance(request, LoadModel) and not self.backend.loaded
            self.send(EngineError(request_id, exc.code, exc.message, model_unloaded=unloaded))
        except MemoryError:
            self.send(EngineError(request_id, ErrorCode.INTERNAL,
                                  "The engine ran out of memory; choose a smaller model or "
                                  "a smaller context size in Settings."))
        except Exception as exc:  # any bug must not end the loop
            log.exception("engine request %r failed", request_id)
            self.send(EngineError(request_id, ErrorCode.INTERNAL,
                                  f"The engine failed unexpectedly ({type(exc).__name__}: "
                                  f"{_one_line(exc)}); try again, or restart Mosaic if it "
                                  "keeps happening."))
        finally:
            self.running_id = None
            self.stop_running = self.closing

    def _load(self, request: LoadModel) -> None:
        last = -1.0
        last_stage = "model"

        def progress(fraction: float, stage: str = "model") -> None:
            nonlocal last, last_stage
            fraction = min(1.0, max(0.0, float(fraction)))
            if stage != last_stage:
                last, last_stage = -1.0, stage
            if fraction - last >= 0.01 or (fraction >= 1.0 > last):
                last = fraction
                self.send(LoadProgress(request.request_id, fraction, stage))

        self.send(self.backend.load(request, progress))

    def _generate(self, request: Generate) -> None:
        if request.request_id in self.cancelled_queued:
            self.cancelled_queued.discard(request.request_id)
            self.send(GenerationDone(request.request_id, FinishReason.STOPPED, Timings()))
            return
        if not self.backend.loaded:
            self.send(EngineError(request.request_id, ErrorCode.NO_MODEL, NO_MODEL_MESSAGE))
            return
        self.running_id = request.request_id
        self.stop_running = False
        finish, timings = self.backend.generate(request, self)
        self.send(GenerationDone(request.request_id, finish, timings))

    def _transcribe(self, request: Transcribe) -> None:
        if request.request_id in self.cancelled_queued:
            self.cancelled_queued.discard(request.request_id)
            self.send(TranscriptionDone(request.request_id, "", request.language or "",
                                        0.0, 0.0, 0.0))
            return
        self.running_id = request.request_id
        self.stop_running = False
        self.send(self.speech.transcribe(request, self))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else "no details"


def serve(conn: Connection, backend: str = "llama",
          options: dict[str, Any] | None = None) -> None:
    """Run the engine loop on ``conn`` until Shutdown or end-of-file.

    ``options`` go to the backend; ``speech_threads`` (torch's CPU threads for Whisper,
    default: physical cores) to the speech engine.
    """
    engine = make_backend(backend, options)
    threads = (options or {}).get("speech_threads")
    speech = SpeechEngine(threads=int(threads) if threads else None)
    host = _Host(conn, engine, speech)
    try:
        host.run()
    except _ClientGone:
        log.info("engine: the client went away; stopping")
    finally:
        try:
            engine.close()
            speech.close()
        finally:
            conn.close()
