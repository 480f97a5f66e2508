"""Appearance choices made in Settings take effect in the running window: the theme at once,
a new language after the restart the notice offers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.ui.main_window import MainWindow
from assistant.ui.settings_dialog import SettingsDialog
from assistant.ui.theme import apply_theme
from tests.gui.conftest import open_window


@pytest.fixture(autouse=True)
def light_afterwards(qapp: QApplication) -> Iterator[None]:
    yield
    apply_theme(qapp, "light")


def _choose_in_settings(qtbot: QtBot, window: MainWindow, theme: str, language: str) -> None:
    def fill(dialog: SettingsDialog) -> None:
        combo_theme, combo_language = dialog.appearance.theme, dialog.appearance.language
        combo_theme.setCurrentIndex(combo_theme.findData(theme))
        combo_language.setCurrentIndex(combo_language.findData(language))
        QTimer.singleShot(0, dialog.accept)

    window.models.settingsDialogOpened.connect(fill)
    window.settings_action.trigger()
    window.models.settingsDialogOpened.disconnect(fill)


def test_dark_theme_applies_at_once_and_is_saved(qtbot: QtBot, qapp: QApplication) -> None:
    window = open_window(qtbot)
    _choose_in_settings(qtbot, window, "dark", "en")
    assert window.palette().color(QPalette.ColorRole.Window).lightness() < 100
    assert window.services.settings.current.appearance.theme == "dark"
    assert not window.notice_bar.isVisible()  # no restart needed for a theme


def test_new_language_offers_a_restart_that_quits_the_window(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    _choose_in_settings(qtbot, window, "light", "zh_CN")
    assert window.services.settings.current.appearance.language == "zh_CN"
    assert "简体中文" in window.notice_bar.text()
    assert window.notice_bar.action_button.isVisible()
    with qtbot.waitSignal(window.appearance.restartRequested):
        window.notice_bar.action_button.click()
    assert not window.isVisible()  # closed for the restart (launch starts the new one)


def test_going_back_to_the_running_language_withdraws_the_offer(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    _choose_in_settings(qtbot, window, "light", "zh_CN")
    assert window.notice_bar.isVisible()
    _choose_in_settings(qtbot, window, "light", "en")
    assert not window.notice_bar.isVisible()


def test_settings_say_which_key_shows_mosaic_or_why_none(qtbot: QtBot) -> None:
    from assistant.ui.global_shortcut import GlobalShortcut

    window = open_window(qtbot)
    shortcut = GlobalShortcut(window)
    assert not shortcut.register()  # offscreen: no desktop-wide keys
    window.global_shortcut_status = shortcut.status_text()
    assert "starting Mosaic again shows its window" in window.global_shortcut_status
    seen: list[tuple[bool, str]] = []

    def look(dialog: SettingsDialog) -> None:
        note = dialog.appearance.shortcut_note
        seen.append((not note.isHidden(), note.text()))  # its tab may be behind another
        QTimer.singleShot(0, dialog.reject)

    window.models.settingsDialogOpened.connect(look)
    window.settings_action.trigger()
    assert seen == [(True, window.global_shortcut_status)]
