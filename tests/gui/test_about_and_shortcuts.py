"""The About dialog (version, licences, where data lives, opening those folders) and the
keyboard shortcuts list (built from the real window's actions, searchable), both used with
the keyboard alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from assistant import __version__
from assistant.paths import AppPaths
from assistant.ui.about_dialog import (
    COMPONENTS,
    MOSAIC_LICENCE,
    AboutDialog,
    Component,
    component_version,
)
from assistant.ui.main_window import MainWindow
from assistant.ui.shortcuts_dialog import (
    Shortcut,
    ShortcutsDialog,
    action_shortcuts,
    native,
    plain_text,
    window_keys,
)
from tests.gui.conftest import open_window

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
W = TypeVar("W", bound=QWidget)


def about(qtbot: QtBot, paths: AppPaths) -> AboutDialog:
    dialog = AboutDialog(paths)
    qtbot.addWidget(dialog)
    return shown_in_front(qtbot, dialog)


def shown_in_front(qtbot: QtBot, dialog: W) -> W:
    """Shown and active, so that keys and focus behave as for a person (also on a bare X
    server, where no window manager activates it)."""
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog


def record_open_url(monkeypatch: pytest.MonkeyPatch, answers: list[bool]) -> list[str]:
    """Stand in for the file manager: the local paths asked for; each call answers the next
    of ``answers`` (True: it opened)."""
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return answers.pop(0)

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return opened


# --- About ---------------------------------------------------------------------------------


def test_about_names_the_version_the_licence_and_that_nothing_leaves(
        qtbot: QtBot, paths: AppPaths) -> None:
    dialog = about(qtbot, paths)
    assert dialog.windowTitle() == "About Mosaic"
    assert dialog.title.text() == f"Mosaic {__version__}"
    assert dialog.offline.text() == "Offline: nothing leaves this computer."
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__
    assert project["license"]["text"] == MOSAIC_LICENCE
    assert dialog.licence.text() == f"Free software under the {MOSAIC_LICENCE} licence."


def test_about_shows_each_folder_as_selectable_text(qtbot: QtBot, paths: AppPaths) -> None:
    dialog = about(qtbot, paths)
    shown = {key: field.text() for key, field in dialog.folder_fields.items()}
    assert shown == {"data": str(paths.data_dir), "settings": str(paths.config_dir),
                     "cache": str(paths.cache_dir), "logs": str(paths.log_dir)}
    logs = dialog.folder_fields["logs"]
    assert logs.isReadOnly()
    logs.setFocus()
    logs.selectAll()
    assert logs.selectedText() == str(paths.log_dir)  # so it can be copied


@pytest.mark.parametrize("key", ["data", "settings", "cache", "logs"])
def test_each_open_button_opens_its_folder_in_the_file_manager(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, paths: AppPaths, key: str) -> None:
    opened = record_open_url(monkeypatch, [True])
    dialog = about(qtbot, paths)
    qtbot.mouseClick(dialog.open_buttons[key], Qt.MouseButton.LeftButton)
    assert opened == [dialog.folder_fields[key].text()]
    assert not dialog.notice.isVisible()


def test_a_missing_folder_is_made_and_a_missing_file_manager_is_said(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, paths: AppPaths) -> None:
    opened = record_open_url(monkeypatch, [False, True])
    dialog = about(qtbot, paths)
    paths.log_dir.rmdir()
    qtbot.mouseClick(dialog.open_buttons["logs"], Qt.MouseButton.LeftButton)
    assert paths.log_dir.is_dir()
    assert dialog.notice.isVisible()
    assert dialog.notice.text() == (f"Could not open a file manager; the folder is "
                                    f"{paths.log_dir}.")
    qtbot.mouseClick(dialog.open_data_button, Qt.MouseButton.LeftButton)
    assert opened == [str(paths.log_dir), str(paths.data_dir)]
    assert not dialog.notice.isVisible()  # it worked this time: the old sentence goes


def test_a_folder_that_cannot_be_made_is_said_in_one_sentence(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened = record_open_url(monkeypatch, [True])
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    paths = AppPaths(tmp_path / "d", tmp_path / "c", tmp_path / "k", blocker / "logs")
    dialog = about(qtbot, paths)
    qtbot.mouseClick(dialog.open_buttons["logs"], Qt.MouseButton.LeftButton)
    assert opened == []
    assert re.fullmatch(rf"Could not create the folder {re.escape(str(blocker / 'logs'))} "
                        r"\(.+\)\.", dialog.notice.text())


def _metadata_licence(distribution: str) -> str:
    info = metadata.metadata(distribution)
    return " ".join(filter(None, [info.get("License-Expression"),
                                  (info.get("License") or "").split("\n")[0],
                                  *[c for c in info.get_all("Classifier") or []
                                    if c.startswith("License ::")]]))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def test_each_component_shows_its_installed_version_and_a_licence_it_declares(
        qtbot: QtBot, paths: AppPaths) -> None:
    dialog = about(qtbot, paths)
    tree = dialog.components
    rows = {tree.topLevelItem(i).text(0): (tree.topLevelItem(i).text(1),
                                           tree.topLevelItem(i).text(2))
            for i in range(tree.topLevelItemCount())}
    assert len(rows) == len(COMPONENTS)
    for component in COMPONENTS:
        version, licence = rows[component.name]
        assert licence == component.licence
        if component.within:
            assert version == f"in {component.within} {metadata.version(component.within)}"
            continue
        if component.distribution is None:
            assert version  # Python, Qt: from the running libraries
            continue
        assert version == metadata.version(component.distribution), component.name
        declared = _metadata_licence(component.distribution)
        first = re.split(r" AND | OR ", component.licence)[0]
        agrees = _norm(first) in _norm(declared) or (
            first.startswith("BSD") and "bsd" in _norm(declared))
        assert agrees, f"{component.name}: we say {component.licence}, it says {declared!r}"
    assert rows["Python"][0] == ".".join(map(str, sys.version_info[:3]))
    assert rows["Qt for Python (PySide6)"][1] == "LGPL-3.0-only"


def test_a_component_without_metadata_has_an_unknown_version(qapp: QApplication) -> None:
    missing = Component("Mystery", "MIT", "no-such-distribution-for-mosaic")
    assert component_version(missing) == "unknown"
    assert component_version(Component("PortAudio", "MIT", within="sounddevice")) == \
        f"in sounddevice {metadata.version('sounddevice')}"


def test_opening_about_imports_no_model_library(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from assistant.paths import app_paths
        from assistant.ui.about_dialog import AboutDialog
        dialog = AboutDialog(app_paths().ensure())
        dialog.show()
        app.processEvents()
        print(sorted(m for m in ("torch", "whisper", "llama_cpp") if m in sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "MOSAIC_HOME": str(tmp_path), "QT_QPA_PLATFORM":
                               "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_about_is_used_with_the_keyboard_alone(qtbot: QtBot, paths: AppPaths,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_open_url(monkeypatch, [True])
    dialog = about(qtbot, paths)
    assert QApplication.focusWidget() is dialog.close_button
    order = _tab_order(qtbot, dialog.folder_fields["data"], 10)
    names = [w.accessibleName() or (w.text() if isinstance(w, QPushButton) else "")
             for w in order]
    assert names == ["Data folder", "Open data folder", "Settings folder",
                     "Open settings folder", "Cache folder", "Open cache folder", "Logs folder",
                     "Open logs folder", "Bundled components", "About &Qt"]
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # "&Logs:"
    assert QApplication.focusWidget() is dialog.folder_fields["logs"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.open_buttons["logs"]
    qtbot.keyClick(dialog.open_buttons["logs"], Qt.Key.Key_Space)
    assert opened == [str(paths.log_dir)]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_every_control_of_about_has_a_name_for_screen_readers(
        qtbot: QtBot, paths: AppPaths) -> None:
    dialog = about(qtbot, paths)
    unnamed = [w for w in _focusable(dialog)
               if not w.accessibleName() and not getattr(w, "text", lambda: "")()]
    assert unnamed == []
    # the four Open buttons look alike: the names say which folder
    assert len({b.accessibleName() for b in dialog.open_buttons.values()}) == 4


def _focusable(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget)
            if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(w.parentWidget(), QLineEdit)]  # a line edit's clear button


def _tab_order(qtbot: QtBot, start: QWidget, count: int) -> list[QWidget]:
    """The controls Tab visits from ``start`` (``count`` of them, ``start`` first)."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    order = [start]
    for _ in range(count - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    return order


# --- Shortcuts -----------------------------------------------------------------------------


def shortcuts(qtbot: QtBot, actions: list[QAction], extra: list[Shortcut] | None = None,
              parent: QWidget | None = None) -> ShortcutsDialog:
    dialog = ShortcutsDialog(actions, extra or [], parent)
    if parent is None:
        qtbot.addWidget(dialog)
    shown_in_front(qtbot, dialog)
    return dialog


def test_the_list_holds_the_real_windows_actions_under_their_menus(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    dialog = shortcuts(qtbot, window.actions(), parent=window)
    rows = dialog.visible_rows()
    assert Shortcut("File", "New chat", native(QKeySequence.StandardKey.New)) in rows
    assert Shortcut("File", "Settings", native("Ctrl+,")) in rows  # no "…"
    assert Shortcut("Models", "Installed models", native("Ctrl+Shift+M")) in rows
    assert Shortcut("Models", "Import model files", native("Ctrl+Shift+I")) in rows
    with_keys = [a for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(rows) == len(with_keys)
    for action in with_keys:  # each action once, with the key that triggers it
        [row] = [r for r in rows if r.action == plain_text(action.text())]
        assert row.keys == ", ".join(
            key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


def test_an_action_with_two_keys_and_one_outside_any_menu(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    menu = QMenu("&Tools", holder)
    export = QAction("&Export chat…", holder)
    export.setShortcuts([QKeySequence("Ctrl+E"), QKeySequence("F12")])
    menu.addAction(export)
    loose = QAction("Focus the message box", holder)
    loose.setShortcut(QKeySequence("Ctrl+L"))
    silent = QAction("No key", holder)
    assert action_shortcuts([export, loose, silent]) == [
        Shortcut("Tools", "Export chat", f"{native('Ctrl+E')}, {native('F12')}"),
        Shortcut("General", "Focus the message box", native("Ctrl+L"))]


@pytest.mark.parametrize(("text", "plain"), [
    ("&File", "File"), ("Open model…", "Open model"), ("Save &As...", "Save As"),
    ("Fish && Chips", "Fish & Chips"), ("文件(&F)", "文件"), ("设置(&S)…", "设置")])
def test_menu_texts_are_read_without_mnemonics_or_ellipses(text: str, plain: str) -> None:
    assert plain_text(text) == plain


def test_the_keys_that_belong_to_no_action_follow_the_push_to_talk_setting() -> None:
    rows = window_keys("Ctrl+Shift+T")
    assert Shortcut("Speech", "Talk: hold while you speak", native("Ctrl+Shift+T")) in rows
    assert Shortcut("Chat", "Send the message", native("Enter")) in rows
    assert Shortcut("Chat", "Start a new line", native("Shift+Enter")) in rows
    assert Shortcut("Chat", "Stop the answer", native("Esc")) in rows
    assert Shortcut("Chat list", "Rename the selected chat", native("F2")) in rows
    assert "Talk: hold while you speak" in {r.action for r in window_keys()}  # F9
    assert window_keys()[4].keys == "F9"
    assert "Talk: hold while you speak" not in {r.action for r in window_keys("")}


def test_search_narrows_the_list_and_says_when_nothing_matches(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    dialog = shortcuts(qtbot, window.actions(), window_keys(), window)
    everything = dialog.visible_rows()
    qtbot.keyClicks(dialog.search, "model")
    narrowed = dialog.visible_rows()
    assert 0 < len(narrowed) < len(everything)
    assert all("model" in f"{r.group} {r.action} {r.keys}".lower() for r in narrowed)
    assert Shortcut("Models window", "Delete the selected model", native("Del")) in narrowed
    assert not dialog.nothing.isVisible()
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "shift+m")  # keys are searched too
    assert [r.action for r in dialog.visible_rows()] == ["Installed models"]
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "zebra")
    assert dialog.visible_rows() == []
    assert dialog.nothing.isVisible()
    assert dialog.nothing.text() == "No shortcut matches “zebra”."
    dialog.search.clear()
    assert dialog.visible_rows() == everything and not dialog.nothing.isVisible()


def test_shortcuts_are_used_with_the_keyboard_alone(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    dialog = shortcuts(qtbot, window.actions(), window_keys(), window)
    assert QApplication.focusWidget() is dialog.search
    qtbot.keyClicks(dialog.search, "chat")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is dialog.tree
    assert dialog.tree.currentItem().text(0) == dialog.visible_rows()[0].action
    dialog.search.setFocus()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)  # the first Esc clears the search
    assert dialog.search.text() == "" and dialog.isVisible()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)  # the second closes
    assert not dialog.isVisible()


def test_each_row_reads_aloud_as_action_and_keys(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    dialog = shortcuts(qtbot, window.actions(), window_keys(), window)
    first_group = dialog.tree.topLevelItem(0)
    item = first_group.child(0)
    assert item.data(0, Qt.ItemDataRole.AccessibleTextRole) == \
        f"{item.text(0)}: {item.text(1)}"
    assert dialog.search.accessibleName() == "Search shortcuts"
    assert dialog.tree.accessibleName() == "Keyboard shortcuts"


# --- the main window's Help menu (wired in main_window.py) --------------------------------



def _shows(qtbot: QtBot, kind: type[W], trigger: Callable[[], object],
           inspect: Callable[[W], None] = lambda _window: None) -> None:
    """Trigger; the ``kind`` window it shows (modal or not) is inspected, then closed."""
    seen: list[QWidget] = []
    looking = [True]  # stops the search when the test ends, found or not

    def find() -> None:
        if not looking[0]:
            return
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, kind) and w.isVisible()]
        if not found:
            QTimer.singleShot(10, find)
            return
        seen.append(found[0])
        try:
            inspect(found[0])
        finally:
            found[0].close()

    QTimer.singleShot(0, find)
    try:
        trigger()
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    finally:
        looking[0] = False


def test_ctrl_slash_lists_the_shortcuts(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    rows: list[Shortcut] = []
    _shows(qtbot, ShortcutsDialog,
           lambda: qtbot.keyClick(window.composer.input, Qt.Key.Key_Slash,
                                  Qt.KeyboardModifier.ControlModifier),
           lambda dialog: rows.extend(dialog.visible_rows()))
    assert Shortcut("Help", "Keyboard shortcuts", native("Ctrl+/") + ", " + native("F1")) in rows
    assert any(r.action == "Talk: hold while you speak" for r in rows)


def test_the_help_menu_opens_about_and_the_data_folder(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_open_url(monkeypatch, [True])
    window: MainWindow = open_window(qtbot)
    help_menu = next(a.menu() for a in window.menuBar().actions()
                     if plain_text(a.text()) == "Help")
    texts = {plain_text(a.text()): a for a in help_menu.actions() if a.text()}
    titles: list[str] = []
    _shows(qtbot, AboutDialog, texts["About Mosaic"].trigger,
           lambda dialog: titles.append(dialog.title.text()))
    assert titles == [f"Mosaic {__version__}"]
    texts["Open data folder"].trigger()
    assert opened == [str(window.services.paths.data_dir)]
