"""In Chinese, the first-run page's machine line and fit sentences (built in the Qt-free
models layer) are Chinese too, and English comes back with the English interface."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.models.catalog import Catalog, CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.machine_fit import MachineResources, machine_summary
from assistant.ui.translations import install_translations
from tests.gui.conftest import open_window

VISION = CatalogEntry(
    id="small-vision", name="Small Vision", kind=ModelKind.VISION, family="llava",
    parameters=2_000_000, quantization="F32", license="MIT",
    files=(CatalogFile(FileRole.MODEL, "small.gguf", 4_000_000, repo="org/small"),
           CatalogFile(FileRole.MMPROJ, "mmproj-small.gguf", 1_000_000, repo="org/small")),
    min_ram_bytes=1, context_length=1024, kv_bytes_per_token=1024)
MACHINE = MachineResources(total_ram_bytes=int(25.3e9), available_ram_bytes=None,
                           vram_bytes=None, gpu_name=None, free_disk_bytes=int(69.7e9))


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    assert install_translations(qapp, "zh_CN") == "zh_CN"
    yield
    install_translations(qapp, "en")


def test_the_first_run_machine_line_is_chinese(qtbot: QtBot, chinese: None) -> None:
    window = open_window(qtbot, catalog=Catalog((VISION,)))
    window.welcome.start()
    qtbot.waitUntil(lambda: window.welcome.showing, timeout=10_000)
    page = window.welcome_page
    qtbot.waitUntil(lambda: bool(page.machine_label.text()), timeout=10_000)
    line = page.machine_label.text()
    assert line.startswith("本机：") and "内存" in line, line
    assert "This computer" not in line and "memory" not in line
    fit = page.vision_card.fit_text()
    assert "约需" in fit and "Needs about" not in fit, fit


def test_english_returns_with_the_english_interface(qapp: QApplication) -> None:
    install_translations(qapp, "zh_CN")
    assert machine_summary(MACHINE) == "本机：25.3 GB 内存 · 未找到 GPU · 69.7 GB 可用于存放模型"
    install_translations(qapp, "en")
    assert machine_summary(MACHINE) == \
        "This computer: 25.3 GB memory · no GPU found · 69.7 GB free for models"
