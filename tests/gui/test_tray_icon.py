"""The tray icon's menu and clicks drive the real main window; close-to-tray decisions.

The offscreen platform has no system tray, so these drive the TrayIcon's actions and its
QSystemTrayIcon's signals directly — the same paths a click in a real tray takes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from assistant.core.messages import Role
from assistant.paths import AppPaths
from assistant.ui.main_window import MainWindow
from assistant.ui.tray_icon import TrayIcon, should_hide_instead_of_close, still_running_notice
from tests.gui.conftest import open_window

pytestmark = pytest.mark.gui


def tray_for(window: MainWindow) -> TrayIcon:
    return TrayIcon(window, window.new_chat_action, window.quit_action)


def menu_texts(tray: TrayIcon) -> list[str]:
    return [action.text() for action in tray.menu.actions()]


@pytest.fixture
def window(qtbot: QtBot, paths: AppPaths) -> MainWindow:
    return open_window(qtbot)


def test_menu_offers_hide_new_chat_and_quit(window: MainWindow) -> None:
    tray = tray_for(window)
    assert menu_texts(tray) == ["Hide Mosaic", window.new_chat_action.text(), "", "Quit Mosaic"]
    assert tray.icon.toolTip() == "Mosaic"
    assert not tray.icon.icon().isNull()
    assert tray.icon.contextMenu() is tray.menu


def test_show_hide_item_toggles_the_window_and_flips_its_text(qtbot: QtBot,
                                                              window: MainWindow) -> None:
    tray = tray_for(window)
    tray.toggle_action.trigger()
    assert not window.isVisible()
    assert tray.toggle_action.text() == "Show Mosaic"

    tray.toggle_action.trigger()
    qtbot.waitUntil(window.isVisible)
    assert not window.isMinimized()
    assert tray.toggle_action.text() == "Hide Mosaic"


def test_text_follows_the_window_when_something_else_hides_or_minimizes_it(
        qtbot: QtBot, window: MainWindow) -> None:
    tray = tray_for(window)
    window.hide()
    assert tray.toggle_action.text() == "Show Mosaic"
    window.show()
    assert tray.toggle_action.text() == "Hide Mosaic"
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    assert tray.toggle_action.text() == "Show Mosaic"

    tray.toggle_action.trigger()  # a minimized window comes back rather than hiding
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()
    assert tray.toggle_action.text() == "Hide Mosaic"


def test_left_click_toggles_and_other_clicks_do_not(qtbot: QtBot, window: MainWindow) -> None:
    tray = tray_for(window)
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)  # opens the menu only
    assert window.isVisible()
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert not window.isVisible()
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    qtbot.waitUntil(window.isVisible)


def test_new_chat_from_the_tray_shows_the_window_with_a_fresh_chat(
        qtbot: QtBot, paths: AppPaths) -> None:
    # A conversation with a message, restored at start: New chat must not reuse it.
    window = open_window(qtbot)
    repository = window.services.repository
    old = repository.create_conversation(system_prompt="")
    repository.add_message(old.id, Role.USER, "an earlier question")
    window.conversations.refresh()
    window.conversations.select(old.id)
    tray = tray_for(window)
    window.hide()

    tray.new_chat_action.trigger()
    qtbot.waitUntil(window.isVisible)
    current = window.conversations.current_id
    assert current is not None and current != old.id
    assert repository.messages(current) == []
    assert len(repository.conversations()) == 2


def test_quit_from_the_tray_is_the_windows_quit(qtbot: QtBot, window: MainWindow) -> None:
    tray = tray_for(window)
    with qtbot.waitSignal(window.quit_action.triggered, timeout=1000):
        tray.quit_action.trigger()
    assert not window.isVisible()  # today's Quit closes the window


def test_hiding_to_the_tray_says_so_once(window: MainWindow,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    tray = tray_for(window)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray.icon, "showMessage",
                        lambda title, text, *rest: shown.append((title, text)))
    tray.hide_window_to_tray()
    assert not window.isVisible()
    assert shown == [("Mosaic", still_running_notice())]
    assert "Quit" in still_running_notice()

    tray.toggle_window()
    tray.hide_window_to_tray()
    assert not window.isVisible()
    assert len(shown) == 1


def test_close_hides_only_with_the_setting_a_visible_tray_and_no_quit() -> None:
    assert should_hide_instead_of_close(close_to_tray=True, tray_visible=True, quitting=False)
    assert not should_hide_instead_of_close(close_to_tray=False, tray_visible=True,
                                            quitting=False)
    # No tray to bring it back from: closing must really close, or the window is lost.
    assert not should_hide_instead_of_close(close_to_tray=True, tray_visible=False,
                                            quitting=False)
    assert not should_hide_instead_of_close(close_to_tray=True, tray_visible=True,
                                            quitting=True)


def test_without_a_system_tray_the_icon_stays_out(window: MainWindow) -> None:
    # The offscreen platform has no tray, like a GNOME session without the extension.
    tray = tray_for(window)
    assert TrayIcon.available() is QSystemTrayIcon.isSystemTrayAvailable()
    if TrayIcon.available():
        pytest.skip("this platform has a system tray")
    assert tray.show_if_available() is False
    assert not tray.is_visible()




def test_close_with_close_to_tray_hides_and_quit_really_closes(
        qtbot: QtBot, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot)
    store = window.services.settings
    store.update(replace(store.current,
                         appearance=replace(store.current.appearance, close_to_tray=True)))
    window.tray = tray_for(window)
    monkeypatch.setattr(window.tray, "is_visible", lambda: True)  # offscreen has no tray
    notices: list[str] = []
    monkeypatch.setattr(window.tray.icon, "showMessage",
                        lambda title, text, *rest: notices.append(text))
    shutdowns: list[str] = []
    monkeypatch.setattr(window.services.engine, "shutdown", lambda: shutdowns.append("engine"))

    window.close()
    assert not window.isVisible()
    assert notices == [still_running_notice()]
    assert shutdowns == []  # still running: only hidden

    window.tray.toggle_action.trigger()
    qtbot.waitUntil(window.isVisible)
    window.quit_action.trigger()
    assert not window.isVisible()
    assert shutdowns == ["engine"]


def test_close_without_the_setting_closes(qtbot: QtBot, paths: AppPaths,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot)
    window.tray = tray_for(window)
    monkeypatch.setattr(window.tray, "is_visible", lambda: True)
    shutdowns: list[str] = []
    monkeypatch.setattr(window.services.engine, "shutdown", lambda: shutdowns.append("engine"))
    window.close()
    assert not window.isVisible()
    assert shutdowns == ["engine"]
