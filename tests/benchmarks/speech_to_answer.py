"""End of speech → the first answer token on screen, in the real window.

A test microphone plays an espeak-ng question into the window's recorder while the mic button
is held; the clock starts when the button is released (the end of speech) and stops when the
first tokens of the answer reach the GUI thread and the transcript view — the same frame they
are painted in. Whisper tiny.en transcribes in the engine process, and the model answers.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QPoint, Qt, QTimer, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from assistant.core.generation import LoadParams, SamplingParams
from assistant.core.protocol import GenerationDone, ModelLoaded
from assistant.paths import app_paths
from assistant.ui.launch import create_application, create_main_window
from tests.benchmarks.table import Row
from tests.support.fake_audio import fake_stream_factory, spoken_clip

QUESTION = "What is the capital of France? Please answer in one word."
WHISPER = Path(__file__).resolve().parents[2].parent / "shared" / "models" / "whisper-tiny.en.pt"
GOAL_S = 1.5


class _FirstToken(QObject):
    """Waits (in a local event loop) for the first tokens of an answer, or its end."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = QEventLoop()
        self.at = 0.0
        self.done = False

    @Slot(int, str)
    def tokens(self, _request_id: int, _text: str) -> None:
        if not self.at:
            self.at = time.perf_counter()

    @Slot(object)
    def finished(self, _done: GenerationDone) -> None:
        self.done = True
        self.loop.quit()

    @Slot(object)
    def loaded(self, _loaded: ModelLoaded) -> None:
        self.loop.quit()


def _spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _mouse(button: object, kind: QMouseEvent.Type) -> None:
    point = QPoint(5, 5)
    event = QMouseEvent(kind, point, button.mapToGlobal(point),  # type: ignore[attr-defined]
                        Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(button, event)  # type: ignore[arg-type]


def run_speech_to_answer(model: Path, threads: int, repeats: int = 3) -> list[Row]:
    """The median time from releasing the mic button to the answer's first token."""
    if not WHISPER.is_file():
        print(f"speech → answer: skipped, no Whisper checkpoint at {WHISPER}")
        return []
    create_application([])
    paths = app_paths().ensure()
    shutil.copy(model, paths.models_dir / model.name)
    (paths.models_dir / "tiny.en.pt").unlink(missing_ok=True)
    (paths.models_dir / "tiny.en.pt").symlink_to(WHISPER)
    clip, rate = spoken_clip(QUESTION, Path(tempfile.mkdtemp(prefix="mosaic-bench-voice-")))
    microphone = fake_stream_factory(clip, rate, speed=None)
    window = create_main_window(start_engine=False, audio_stream_factory=microphone)
    store = window.services.settings
    store.update(replace(
        store.current, sampling=SamplingParams(temperature=0.0, max_tokens=8),
        load=LoadParams(n_ctx=2048, n_threads=threads, n_gpu_layers=0),
        speech=replace(store.current.speech, whisper_model="tiny.en", language="en",
                       use_gpu=False, auto_send=True)))
    window.show()
    probe = _FirstToken()
    engine = window.services.engine
    engine.modelLoaded.connect(probe.loaded)
    engine.tokensArrived.connect(probe.tokens)
    engine.generationFinished.connect(probe.finished)
    window.start_engine()
    window.models.load(str(paths.models_dir / model.name))
    probe.loop.exec()
    button = window.composer.mic_button
    times: list[float] = []
    try:
        for attempt in range(repeats + 1):  # the first one warms Whisper up
            window.conversations.new_conversation()
            probe.at, probe.done = 0.0, False
            _mouse(button, QMouseEvent.Type.MouseButtonPress)
            microphone.stream.feed()
            microphone.stream.wait_fed()
            _spin(50)
            released = time.perf_counter()
            _mouse(button, QMouseEvent.Type.MouseButtonRelease)
            if not probe.done:
                probe.loop.exec()
            if not probe.at:
                raise RuntimeError("the spoken question got no answer")
            if attempt:
                times.append(probe.at - released)
            _spin(200)
    finally:
        window.close()
    median = statistics.median(times)
    print(f"speech → answer ({model.name}): " + ", ".join(f"{t * 1000:.0f} ms" for t in times))
    return [Row(f"end of speech → first answer token on screen ({len(clip) / rate:.1f} s "
                f"question, Whisper tiny.en + {model.name}, median of {repeats})",
                f"{median * 1000:.0f} ms", f"{GOAL_S * 1000:.0f} ms goal", median / GOAL_S,
                f"≤ {GOAL_S} s", median <= GOAL_S)]
