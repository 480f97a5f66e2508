"""Drives the real main window as a person would; fixtures for the window tests."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.generation import LoadParams, SamplingParams
from assistant.paths import AppPaths
from assistant.ui.launch import create_main_window
from assistant.ui.main_window import MainWindow

LOAD_TIMEOUT_MS = 90_000
ANSWER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="session", autouse=True)
def english_interface(qapp: object) -> None:
    """The English catalog (it carries the plural forms: "1 core", "2 cores") for every GUI
    test; tests of other languages install theirs and put English back."""
    from PySide6.QtWidgets import QApplication

    from assistant.ui.translations import install_translations

    assert isinstance(qapp, QApplication)
    install_translations(qapp, "en")


def configure(window: MainWindow, max_tokens: int = 24, n_ctx: int = 1024) -> None:
    store = window.services.settings
    store.update(replace(store.current,
                         sampling=SamplingParams(temperature=0.0, max_tokens=max_tokens),
                         load=LoadParams(n_ctx=n_ctx, n_threads=1, n_gpu_layers=0)))


def open_window(qtbot: QtBot, **kwargs: object) -> MainWindow:
    window = create_main_window(start_engine=False, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


def load_from_panel(qtbot: QtBot, window: MainWindow, model: Path) -> None:
    """Pick the model in the bar and click Load, as a person would."""
    panel = window.model_panel
    index = next(i for i in range(panel.combo.count())
                 if Path(str(panel.combo.itemData(i) or panel.combo.itemText(i))).name
                 == model.name or panel.combo.itemText(i).startswith(model.stem))
    panel.combo.setCurrentIndex(index)
    with qtbot.waitSignal(window.services.engine.modelLoaded, timeout=LOAD_TIMEOUT_MS):
        window.start_engine()
        qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)


def type_and_send(qtbot: QtBot, window: MainWindow, text: str) -> None:
    box = window.composer.input
    box.setFocus()
    qtbot.keyClicks(box, text)
    with qtbot.waitSignal(window.services.engine.generationFinished, timeout=ANSWER_TIMEOUT_MS):
        qtbot.keyClick(box, Qt.Key.Key_Return)


def stored(window: MainWindow) -> list:
    current = window.conversations.current_id
    assert current is not None
    return window.services.repository.messages(current)


@pytest.fixture
def model_in_folder(tiny_gguf: Path, paths: AppPaths) -> Path:
    target = paths.models_dir / "tiny-chat.gguf"
    shutil.copy(tiny_gguf, target)
    return target


@pytest.fixture
def chat_window(qtbot: QtBot, model_in_folder: Path) -> MainWindow:
    window = open_window(qtbot)
    configure(window)
    load_from_panel(qtbot, window, model_in_folder)
    assert "tiny" in window.model_panel.status_text().lower()
    return window
