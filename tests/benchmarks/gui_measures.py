"""GUI-side measures: the longest GUI-thread stall while the real window streams an answer,
and how long the window takes to appear from process start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, QTimer, Slot

from assistant.core.generation import LoadParams, SamplingParams
from assistant.core.protocol import GenerationDone, ModelLoaded
from assistant.ui.launch import create_main_window

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_MS = 16

VISIBLE_SCRIPT = """
import time
from PySide6.QtCore import QTimer
from assistant.ui.launch import create_application, create_main_window
app = create_application([])
window = create_main_window(start_engine=False)
window.show()
def visible():
    print("VISIBLE", flush=True)
    app.quit()
QTimer.singleShot(0, visible)
app.exec()
"""


class StallProbe(QObject):
    """A 16 ms heartbeat on the GUI thread; the longest gap between beats is the stall."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.clock = QElapsedTimer()
        self.longest_gap_ms = 0.0
        self.loop = QEventLoop()
        self.finished: GenerationDone | None = None

    def start(self) -> None:
        self.longest_gap_ms = 0.0
        self.clock.start()
        self.timer.start()

    @Slot()
    def _beat(self) -> None:
        gap = self.clock.nsecsElapsed() / 1e6
        self.clock.restart()
        self.longest_gap_ms = max(self.longest_gap_ms, gap)

    @Slot(object)
    def loaded(self, _loaded: ModelLoaded) -> None:
        self.loop.quit()

    @Slot(object)
    def done(self, finished: GenerationDone) -> None:
        self.finished = finished
        self.timer.stop()
        self.loop.quit()


def longest_stall_while_streaming(model_path: str, n_threads: int,
                                  tokens: int) -> tuple[float, int]:
    """(longest gap between 16 ms heartbeats in ms − 16, tokens streamed) in the real window."""
    window = create_main_window(start_engine=False)
    store = window.services.settings
    store.update(replace(store.current,
                         sampling=SamplingParams(temperature=0.0, repeat_penalty=1.0,
                                                 max_tokens=tokens),
                         load=LoadParams(n_ctx=2048, n_threads=n_threads, n_gpu_layers=0)))
    probe = StallProbe()
    engine = window.services.engine
    engine.modelLoaded.connect(probe.loaded)
    engine.generationFinished.connect(probe.done)
    window.resize(1100, 760)
    window.show()
    engine.start()
    window.models.load(model_path)
    QTimer.singleShot(300_000, probe.loop.quit)
    probe.loop.exec()
    probe.start()
    window.chat.send("Write a long story about a lighthouse keeper and the sea.")
    probe.loop.exec()
    generated = probe.finished.timings.generated_tokens if probe.finished else 0
    window.close()
    return max(0.0, probe.longest_gap_ms - HEARTBEAT_MS), generated


def window_visible_seconds(runs: int = 4) -> list[float]:
    """Seconds from process start to the window shown, for each of ``runs`` launches."""
    times = []
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", VISIBLE_SCRIPT], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        times.append(time.perf_counter() - started)
        child.wait(timeout=60)
        if "VISIBLE" not in line:
            reason = child.stderr.read() if child.stderr else ""
            raise RuntimeError(f"the window did not open: {reason}")
    return times
