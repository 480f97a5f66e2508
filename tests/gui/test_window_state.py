"""The window comes back where the person left it: size, position and the sidebar split."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.conftest import open_window


def test_size_and_splitter_are_restored_at_the_next_start(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    window.resize(760, 540)  # inside the offscreen 800×600 screen
    window.splitter.setSizes([300, 460])
    qtbot.waitUntil(lambda: window.size().width() == 760)
    sidebar_width = window.splitter.sizes()[0]
    assert sidebar_width != 260  # really moved, so the restore below is not the default
    window.close()

    again = open_window(qtbot)
    assert (again.width(), again.height()) == (760, 540)
    assert abs(again.splitter.sizes()[0] - sidebar_width) <= 2


def test_damaged_saved_state_leaves_the_defaults(qtbot: QtBot) -> None:
    from dataclasses import replace

    from assistant.core.settings import WindowState

    window = open_window(qtbot)
    store = window.services.settings
    window.close()
    store.update(replace(store.current, window=WindowState("not base64 at all!", "@@")))

    again = open_window(qtbot)
    assert again.width() >= again.minimumWidth()
    assert again.splitter.sizes()[0] > 0
