"""The About dialog's folder fields, too narrow for a long path, show its end: the four
folders differ there (…/Mosaic/data, …/Mosaic/config, …)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from assistant.paths import AppPaths
from assistant.ui.about_dialog import AboutDialog

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_a_narrow_folder_field_shows_the_end_of_the_path(qtbot: QtBot, paths: AppPaths) -> None:
    dialog = AboutDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.minimumSizeHint())
    qtbot.wait(20)
    for key, field in dialog.folder_fields.items():
        whole = field.fontMetrics().horizontalAdvance(field.text())
        assert whole > field.width(), "the test needs a path longer than the field"
        end = field.cursorRect().center().x()
        assert field.cursorPosition() == len(field.text()) and 0 < end < field.width(), \
            f"the {key} field does not show where its path ends"
