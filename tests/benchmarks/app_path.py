"""Measures answers through the full app path: engine process → worker thread → Qt signals,
timed where the GUI thread receives them."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot

from assistant.client.engine_client import EngineClient
from assistant.core.generation import LoadParams, SamplingParams, Timings
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import EngineError, GenerationDone, GenerationStarted, ModelLoaded

GREEDY = SamplingParams(temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0)


@dataclass(frozen=True)
class AppRun:
    time_to_first_token_s: float  # request sent → first text on the GUI thread
    stream_s: float  # first text → finished, on the GUI thread
    timings: Timings  # as the engine measured them
    text: str = ""
    started: GenerationStarted | None = None

    @property
    def tokens_per_second(self) -> float:
        generated = self.timings.generated_tokens
        return (generated - 1) / self.stream_s if generated > 1 and self.stream_s else 0.0


class AppPath(QObject):
    """Drives an EngineClient and waits for its signals in a local event loop."""

    def __init__(self, model_path: str, n_ctx: int, n_threads: int, mmproj: str = "") -> None:
        super().__init__()
        self.client = EngineClient("llama")
        self.client.tokensArrived.connect(self._tokens)
        self.client.generationStarted.connect(self._started)
        self.client.generationFinished.connect(self._finished)
        self.client.requestFailed.connect(self._failed)
        self.client.modelLoaded.connect(self._loaded)
        self._loop = QEventLoop()
        self._first: float | None = None
        self._text: list[str] = []
        self._started_event: GenerationStarted | None = None
        self._done: GenerationDone | None = None
        self._error: str | None = None
        self.loaded: ModelLoaded | None = None
        self.client.start()
        self.client.load_model(model_path, LoadParams(n_ctx=n_ctx, n_threads=n_threads,
                                                      n_gpu_layers=0), mmproj)
        self._wait(300)

    def _wait(self, timeout_s: float) -> None:
        QTimer.singleShot(int(timeout_s * 1000), self._loop.quit)
        self._loop.exec()
        if self._error:
            raise RuntimeError(self._error)

    @Slot(object)
    def _loaded(self, loaded: ModelLoaded) -> None:
        self.loaded = loaded
        self._loop.quit()

    @Slot(int, str)
    def _tokens(self, _request_id: int, text: str) -> None:
        if self._first is None:
            self._first = time.perf_counter()
        self._text.append(text)

    @Slot(object)
    def _started(self, started: GenerationStarted) -> None:
        self._started_event = started

    @Slot(object)
    def _finished(self, done: GenerationDone) -> None:
        self._done = done
        self._loop.quit()

    @Slot(object)
    def _failed(self, error: EngineError) -> None:
        self._error = error.message
        self._loop.quit()

    def ask(self, turns: tuple[ChatTurn, ...], max_tokens: int, raw: bool = False) -> AppRun:
        self._first, self._text, self._started_event, self._done = None, [], None, None
        sampling = replace(GREEDY, max_tokens=max_tokens)
        sent = time.perf_counter()
        self.client.generate(turns, "", sampling, raw=raw)
        self._wait(600)
        finished = time.perf_counter()
        if self._done is None or self._first is None:
            raise RuntimeError("the engine did not answer in time")
        return AppRun(self._first - sent, finished - self._first, self._done.timings,
                      "".join(self._text), self._started_event)

    def ask_raw(self, prompt: str, max_tokens: int) -> AppRun:
        return self.ask((ChatTurn(Role.USER, prompt),), max_tokens, raw=True)

    def close(self) -> None:
        self.client.shutdown()
