"""The window's handle on the engine: a QObject in the GUI thread plus one worker QThread.

Every method returns at once. Requests get an id here (in the calling thread) and travel to
the worker thread (:class:`~assistant.client.engine_worker.EngineWorker`), the only owner of
the engine process. Events come back as the signals below, queued into the GUI thread; they
carry plain frozen dataclasses. Connect them to slots of QObjects that live in the GUI thread
(bound methods or ``@Slot`` methods), never to lambdas.

Ids the window did not ask for can appear in ``loadProgress`` and ``modelLoaded``: those are
the transparent re-loads of the last model after the engine had to be restarted.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot

from assistant.client.engine_worker import (
    EngineCrashed,
    EngineWorker,
    ModelForgotten,
    TokensFlushed,
)
from assistant.core.generation import LoadParams, SamplingParams
from assistant.core.messages import ChatTurn
from assistant.core.protocol import (
    EngineError,
    EngineReady,
    ErrorCode,
    Generate,
    GenerationDone,
    GenerationStarted,
    LoadModel,
    LoadProgress,
    ModelLoaded,
    Transcribe,
    TranscriptionDone,
    TranscriptionProgress,
)

log = logging.getLogger(__name__)

_ABANDONED: list[QThread] = []  # worker threads that did not end in time; kept from deletion


class _RequestIds:
    """A thread-safe source of request ids (1, 2, 3, …)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            return next(self._counter)


class _WorkerThread(QThread):
    """Runs :meth:`EngineWorker.run`; ``event`` carries everything it emits."""

    event = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mosaic-engine-client")
        self.worker: EngineWorker | None = None

    def run(self) -> None:
        if self.worker is not None:
            self.worker.run()


class EngineClient(QObject):
    """Start, load, generate, cancel and shut down an engine without blocking the GUI."""

    ready = Signal(object)  # EngineReady, each time an engine (re)starts
    loadProgress = Signal(int, float)  # request_id, 0..1
    modelLoaded = Signal(object)  # ModelLoaded
    generationStarted = Signal(object)  # GenerationStarted
    tokensArrived = Signal(int, str)  # request_id, text coalesced: at most once per frame
    generationFinished = Signal(object)  # GenerationDone (STOPPED too when the engine was killed)
    requestFailed = Signal(object)  # EngineError
    engineCrashed = Signal(str)  # one sentence, when the engine process died unexpectedly
    transcriptionProgress = Signal(int, float)  # request_id, 0..1 (long recordings)
    transcriptionFinished = Signal(object)  # TranscriptionDone ("" text: no speech, or stopped)

    def __init__(self, backend: str = "llama", options: dict[str, Any] | None = None, *,
                 in_thread: bool = False, frame_interval_s: float = 1 / 60,
                 cancel_grace_s: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = _RequestIds()
        self._thread = _WorkerThread()
        self._worker = EngineWorker(
            self._thread.event.emit, self._ids.next, backend=backend, options=options,
            in_thread=in_thread, frame_interval_s=frame_interval_s,
            cancel_grace_s=cancel_grace_s)
        self._thread.worker = self._worker
        self._thread.event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        self._outstanding: set[int] = set()
        self._loaded: ModelLoaded | None = None
        self._started = False
        self._closed = False
        self._failures: list[EngineError] = []
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- state --------------------------------------------------------------------

    @property
    def loaded_model(self) -> ModelLoaded | None:
        """The model the engine holds (or will re-load by itself after a restart)."""
        return self._loaded

    @property
    def is_busy(self) -> bool:
        """Whether a load or an answer asked for here has not finished yet."""
        return bool(self._outstanding)

    # --- requests -----------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread and the engine (a second call does nothing)."""
        if self._started or self._closed:
            return
        self._started = True
        self._thread.start()

    def load_model(self, path: str, params: LoadParams | None = None, mmproj: str = "") -> int:
        """Load ``path`` (with the vision projector ``mmproj``, if any); the request id."""
        request = LoadModel(self._ids.next(), str(path), params or LoadParams(), str(mmproj))
        return self._submit(request)

    def generate(self, turns: Iterable[ChatTurn], system_prompt: str = "",
                 sampling: SamplingParams | None = None, raw: bool = False) -> int:
        """Answer the last user turn of ``turns``; returns the request id."""
        request = Generate(self._ids.next(), tuple(turns), system_prompt,
                           sampling or SamplingParams(), raw)
        return self._submit(request)

    def transcribe(self, model_path: str, *, pcm: bytes = b"", audio_path: str = "",
                   language: str | None = None, use_gpu: bool = True) -> int:
        """Transcribe recorded ``pcm`` (float32 mono 16 kHz) or a file; the request id."""
        request = Transcribe(self._ids.next(), str(model_path), pcm, str(audio_path),
                             language, use_gpu)
        return self._submit(request)

    def cancel(self, request_id: int) -> None:
        """Stop an answer (it ends with ``generationFinished``, STOPPED) or a transcription
        (it ends with ``transcriptionFinished``). Unknown ids: no-op."""
        if request_id in self._outstanding and self._thread.isRunning():
            self._worker.cancel(request_id)

    def shutdown(self, timeout_s: float = 3.0) -> None:
        """Stop the engine and the worker thread within about ``timeout_s``; safe to repeat."""
        if self._closed:
            return
        self._closed = True
        if not self._started:
            return
        self._worker.stop(max(0.05, timeout_s / 2))
        if not self._thread.wait(max(1, int(timeout_s * 1000))):
            log.error("the engine worker did not stop within %.1f s; leaving it behind",
                      timeout_s)
            _ABANDONED.append(self._thread)

    def _submit(self, request: LoadModel | Generate | Transcribe) -> int:
        self._outstanding.add(request.request_id)
        if self._closed or (self._started and self._thread.isFinished()):
            self._fail_soon(EngineError(
                request.request_id, ErrorCode.ENGINE_CRASHED,
                "The engine is not running any more; restart Mosaic to continue."))
            return request.request_id
        self.start()
        self._worker.submit(request)
        return request.request_id

    def _fail_soon(self, error: EngineError) -> None:
        self._failures.append(error)
        QTimer.singleShot(0, self, self._deliver_failures)

    @Slot()
    def _deliver_failures(self) -> None:
        failures, self._failures = self._failures, []
        for error in failures:
            self._on_event(error)

    # --- events from the worker thread --------------------------------------------

    @Slot(object)
    def _on_event(self, event: object) -> None:
        if isinstance(event, TokensFlushed):
            self.tokensArrived.emit(event.request_id, event.text)
        elif isinstance(event, LoadProgress):
            self.loadProgress.emit(event.request_id, event.fraction)
        elif isinstance(event, GenerationStarted):
            self.generationStarted.emit(event)
        elif isinstance(event, ModelLoaded):
            self._outstanding.discard(event.request_id)
            self._loaded = event
            self.modelLoaded.emit(event)
        elif isinstance(event, GenerationDone):
            self._outstanding.discard(event.request_id)
            self.generationFinished.emit(event)
        elif isinstance(event, TranscriptionProgress):
            self.transcriptionProgress.emit(event.request_id, event.fraction)
        elif isinstance(event, TranscriptionDone):
            self._outstanding.discard(event.request_id)
            self.transcriptionFinished.emit(event)
        elif isinstance(event, EngineError):
            if event.request_id is not None:
                self._outstanding.discard(event.request_id)
            self.requestFailed.emit(event)
        elif isinstance(event, EngineReady):
            self.ready.emit(event)
        elif isinstance(event, EngineCrashed):
            self.engineCrashed.emit(event.message)
        elif (isinstance(event, ModelForgotten) and self._loaded is not None
              and self._loaded.path == event.path):
            self._loaded = None
