"""Deleting chats in a row: the newest deletion stays undoable.

The notice bar reports an undo notice that a newer notice replaces as expired; the
conversation controller must not let that expiry purge the deletion it is about to offer.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.paths import AppPaths
from tests.gui.conftest import open_window

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_the_second_of_two_deletes_can_be_undone(qtbot: QtBot, paths: AppPaths) -> None:
    window = open_window(qtbot)
    repo = window.services.repository
    first = repo.create_conversation(system_prompt="")
    second = repo.create_conversation(system_prompt="")
    window.conversations.refresh()
    window.sidebar.deleteRequested.emit(first.id)
    window.sidebar.deleteRequested.emit(second.id)
    assert repo.conversations() == []
    assert "Deleted" in window.notice_bar.text()
    qtbot.mouseClick(window.notice_bar.undo_button, Qt.MouseButton.LeftButton)
    assert [c.id for c in repo.conversations()] == [second.id]
    assert window.conversations.current_id == second.id
