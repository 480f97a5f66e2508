"""The Appearance tab of the real settings dialog: theme, language, close to tray."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFormLayout, QLabel

from assistant.core.settings import AppearanceSettings, Settings
from assistant.ui import appearance_settings
from assistant.ui.settings_dialog import SettingsDialog
from assistant.ui.theme import (
    apply_theme,
    current_theme,
    is_dark_theme,
    restore_theme,
    theme_snapshot,
)

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHOSEN = AppearanceSettings(theme="dark", language="zh_CN", close_to_tray=True)


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The running app in the light theme (as Mosaic starts it), put back afterwards."""
    before = theme_snapshot(qapp)
    apply_theme(qapp, "light")
    yield qapp
    restore_theme(qapp, before)


@pytest.fixture
def with_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appearance_settings, "tray_available", lambda: True)


@pytest.fixture
def without_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appearance_settings, "tray_available", lambda: False)


def open_dialog(qtbot, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings, 2)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # mnemonics work in the active window only
        dialog.show()
        dialog.activateWindow()
    return dialog


def go_to_appearance(qtbot, dialog: SettingsDialog) -> None:
    """Alt+E, the tab's mnemonic, as a person would."""
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget().isAncestorOf(dialog.appearance)


def test_the_tab_shows_and_returns_the_settings(qtbot, app, with_tray) -> None:
    dialog = open_dialog(qtbot, Settings(appearance=CHOSEN))
    tab = dialog.tabs.count() - 1
    assert dialog.tabs.tabText(tab) == "App&earance"
    appearance = dialog.appearance
    assert appearance.theme.currentText() == "Dark"
    assert appearance.language.currentText() == "简体中文"
    assert appearance.close_to_tray.isChecked()
    assert dialog.result_settings() == Settings(appearance=CHOSEN)
    assert not is_dark_theme(app), "opening the dialog changes nothing"


def test_choices_read_as_a_person_expects(qtbot, app, with_tray) -> None:
    dialog = open_dialog(qtbot, Settings())
    go_to_appearance(qtbot, dialog)
    appearance = dialog.appearance
    themes = [appearance.theme.itemText(i) for i in range(appearance.theme.count())]
    assert themes == ["Same as the system", "Light", "Dark"]
    languages = [appearance.language.itemText(i) for i in range(appearance.language.count())]
    assert languages[0].startswith("Same as the system (")
    assert languages[0].endswith(("(English)", "(简体中文)"))
    assert languages[1:] == ["English", "简体中文"], "each language in its own words"
    assert appearance.language_note.isVisible()
    assert "restarts" in appearance.language_note.text()
    assert not appearance.tray_note.isVisible()
    form = appearance.layout()
    assert isinstance(form, QFormLayout)
    for field, accessible in ((appearance.theme, "Theme"),
                              (appearance.language, "Interface language")):
        assert field.accessibleName() == accessible
        label = form.labelForField(field)
        assert isinstance(label, QLabel) and label.buddy() is field, "mnemonic reaches it"


def test_keyboard_choice_previews_the_theme_and_ok_keeps_it(qtbot, app, with_tray) -> None:
    dialog = open_dialog(qtbot, Settings())
    go_to_appearance(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert dialog.appearance.theme.hasFocus()
    qtbot.keyClick(dialog.appearance.theme, Qt.Key.Key_End)  # "Dark"
    assert is_dark_theme(app), "the choice shows at once"
    qtbot.waitUntil(lambda: dialog.palette().color(dialog.backgroundRole()).lightness() < 80,
                    timeout=1000)
    qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert dialog.appearance.close_to_tray.hasFocus()
    qtbot.keyClick(dialog.appearance.close_to_tray, Qt.Key.Key_Space)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
    assert dialog.result_settings().appearance == AppearanceSettings(
        theme="dark", close_to_tray=True)
    assert is_dark_theme(app) and current_theme(app) == "dark"


def test_cancel_takes_back_the_previewed_theme(qtbot, app, with_tray) -> None:
    dialog = open_dialog(qtbot, Settings())
    before = app.palette()
    go_to_appearance(qtbot, dialog)
    dialog.appearance.theme.setFocus()
    qtbot.keyClick(dialog.appearance.theme, Qt.Key.Key_End)
    assert is_dark_theme(app)
    qtbot.keyClick(dialog.appearance.theme, Qt.Key.Key_Home)  # "Same as the system"
    assert current_theme(app) == "system"
    qtbot.keyClick(dialog.appearance.theme, Qt.Key.Key_End)
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert current_theme(app) == "light"
    assert app.palette() == before


def test_restore_defaults_resets_appearance(qtbot, app, with_tray) -> None:
    dialog = open_dialog(qtbot, Settings(appearance=CHOSEN))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults),
                     Qt.MouseButton.LeftButton)
    assert dialog.result_settings().appearance == AppearanceSettings()
    dialog.reject()
    assert current_theme(app) == "light", "cancel also takes back a default's preview"


def test_without_a_tray_the_box_says_why_and_keeps_the_choice(qtbot, app,
                                                              without_tray) -> None:
    dialog = open_dialog(qtbot, Settings(appearance=CHOSEN))
    box = dialog.appearance.close_to_tray
    go_to_appearance(qtbot, dialog)
    assert not box.isEnabled()
    assert dialog.appearance.tray_note.isVisible()
    assert "no system tray" in dialog.appearance.tray_note.text()
    assert dialog.result_settings().appearance.close_to_tray, \
        "kept for a desktop that has a tray"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert box.isChecked() and dialog.result_settings().appearance.close_to_tray


def test_a_hand_edited_theme_shows_as_the_system_choice(qtbot, app, with_tray) -> None:
    dialog = open_dialog(qtbot, Settings(appearance=AppearanceSettings(theme="sepia",
                                                                       language="fr")))
    assert dialog.appearance.theme.currentData() == "system"
    assert dialog.appearance.language.currentData() == "system"
    assert dialog.result_settings().appearance == AppearanceSettings()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_appearance_tab_screenshot(qtbot, app, with_tray, theme: str) -> None:
    apply_theme(app, theme)
    dialog = open_dialog(qtbot, Settings(appearance=AppearanceSettings(theme=theme)))
    dialog.tabs.setCurrentWidget(dialog.appearance.parentWidget())
    dialog.resize(dialog.sizeHint())
    qtbot.wait(20)
    ARTIFACTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / f"settings_appearance_{theme}.png"))
    for label in dialog.appearance.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()
    dialog.reject()
