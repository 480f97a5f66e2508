"""The installed-models table's column titles keep room either side, so that short titles
(in Chinese "上下文" next to "默认") do not read as one word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.ui.installed_models_view import InstalledModelsView
from assistant.ui.translations import install_translations
from tests.gui.test_model_library_widgets import installed

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

LEAST_ROOM = 8  # px between a title and its section's edges, both sides together


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    if request.param == "zh_CN" and not QFontDatabase.families(
            QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no font for Chinese is installed (Debian: apt install fonts-noto-cjk)")
    before = QLocale()
    assert install_translations(qapp, request.param) == request.param
    yield request.param
    install_translations(qapp, "en")
    QLocale.setDefault(before)


def test_every_column_title_has_room_around_it(qtbot: QtBot, language: str,
                                               tmp_path: Path) -> None:
    view = InstalledModelsView()
    qtbot.addWidget(view)
    view.set_models(installed(tmp_path), {}, disk_bytes=1, folder=str(tmp_path))
    view.resize(940, 500)
    view.show()
    qtbot.waitExposed(view)
    header = view.tree.header()
    metrics = header.fontMetrics()
    for column in range(header.count()):
        title = view.tree.headerItem().text(column)
        spare = header.sectionSize(column) - metrics.horizontalAdvance(title)
        assert spare >= LEAST_ROOM, f"{title!r} has {spare} px around it ({language})"
