"""The Models window driven through the real main window, as a person would use it.

Menus open it; rows and buttons are clicked; the delete confirmation, the Settings dialog
and the import dialog are answered by clicking their buttons while they run (found with
``QApplication.activeModalWidget()`` from a timer).
Downloads come from a fake hub on 127.0.0.1; the engine is started only where a model the
person just got is loaded by itself.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assistant.core.settings import SettingsStore
from assistant.models.catalog import Catalog, CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.download import part_path
from assistant.models.download_jobs import JobState
from assistant.models.gguf_inspect import format_bytes
from assistant.paths import AppPaths
from assistant.ui.import_dialog import ImportDialog
from assistant.ui.installed_models_view import DEFAULT, KIND, NAME, SIZE
from assistant.ui.main_window import MainWindow
from assistant.ui.models_window import ModelsWindow
from assistant.ui.settings_dialog import SettingsDialog
from tests.gui.conftest import LOAD_TIMEOUT_MS, configure, open_window
from tests.support.fake_checkpoint import openai_dims, write_fake_checkpoint
from tests.support.fake_hub import FakeHub

pytestmark = pytest.mark.gui

WAIT_MS = 15_000
REPO = "org/Tiny-Chat-GGUF"
FILENAME = "tiny-chat-Q8_0.gguf"
ENTRY_ID = "tiny-chat"
SHOTS = os.environ.get("MOSAIC_SHOTS")  # a folder: save screenshots of the windows there


def chat_entry(size: int) -> CatalogEntry:
    return CatalogEntry(
        id=ENTRY_ID, name="Tiny Chat", kind=ModelKind.CHAT, family="llama",
        parameters=283_840, quantization="F16", license="MIT",
        files=(CatalogFile(FileRole.MODEL, FILENAME, size, repo=REPO, size_exact=True),),
        min_ram_bytes=1, context_length=2048, kv_bytes_per_token=16)


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # lay out what changed, as the next paint would
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


# --- answering what runs its own event loop -------------------------------------------------


class Answer:
    """Waits (from a timer) for ``find()`` to give a widget, then lets ``act`` answer it.

    A failing assertion inside ``act`` closes the dialog (so ``exec`` returns) and is raised
    again by :meth:`check`.
    """

    def __init__(self, find: Callable[[], QWidget | None],
                 act: Callable[[Any], None]) -> None:
        self._find = find
        self._act = act
        self._tries = 0
        self.widget: Any = None
        self.error: BaseException | None = None
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        widget = self._find()
        if widget is None or not widget.isVisible():
            self._tries += 1
            if self._tries < 1000:
                QTimer.singleShot(10, self._poll)
            return
        self.widget = widget
        try:
            self._act(widget)
        except BaseException as exc:  # raised again in check()
            self.error = exc
            widget.close()

    def check(self, qtbot: QtBot | None = None) -> Any:
        """The widget that was answered (waiting for it with ``qtbot``, if given)."""
        if qtbot is not None:
            qtbot.waitUntil(lambda: self.widget is not None, timeout=WAIT_MS)
        if self.error is not None:
            raise self.error
        assert self.widget is not None, "the expected dialog never opened"
        return self.widget


def answer_modal(kind: type, act: Callable[[Any], None]) -> Answer:
    return Answer(lambda: w if isinstance(w := QApplication.activeModalWidget(), kind)
                  else None, act)


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_row(qtbot: QtBot, tree: QTreeWidget, item: QTreeWidgetItem) -> None:
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualItemRect(item).center())
    assert tree.selectedItems() == [item]


def choose_from_menu(button: QPushButton, text: str) -> None:
    """Pick the entry ``text`` of ``button``'s menu (the offscreen platform cannot pop a
    menu up, so the entry is triggered as the menu would)."""
    assert button.isVisible() and button.isEnabled(), button.text()
    action = next(a for a in button.menu().actions() if a.text() == text)
    assert action.isVisible() and action.isEnabled(), f"{text} is disabled"
    action.trigger()


def model_bar_paths(window: MainWindow) -> list[str]:
    combo = window.model_panel.combo
    return [str(combo.itemData(i)) for i in range(combo.count())]


# --- opening the window ---------------------------------------------------------------------


def open_models(qtbot: QtBot, window: MainWindow, tab: int = ModelsWindow.INSTALLED
                ) -> ModelsWindow:
    """Open the Models window from the Models menu on ``tab``, once its lists are read."""
    action = {ModelsWindow.INSTALLED: window.models_action,
              ModelsWindow.CATALOG: window.catalog_action,
              ModelsWindow.DOWNLOADS: window.downloads_action}[tab]
    assert action in window.menuBar().actions()[1].menu().actions()
    with qtbot.waitSignal(window.library.libraryScanned, timeout=WAIT_MS):
        action.trigger()
    models = window.library.models_window
    assert models is not None and models.isVisible()
    assert models.tabs.currentIndex() == tab
    qtbot.waitUntil(lambda: window.library.assessment is not None, timeout=WAIT_MS)
    return models


@pytest.fixture
def whisper_base_en(paths: AppPaths) -> Path:
    return write_fake_checkpoint(paths.models_dir / "whisper" / "base.en.pt",
                                 openai_dims("base.en"))


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as served:
        yield served


@pytest.fixture
def hub_window(qtbot: QtBot, hub: FakeHub, tiny_gguf: Path) -> MainWindow:
    """A main window whose catalog holds one chat model that ``hub`` serves (slowly)."""
    data = tiny_gguf.read_bytes()
    hub.add_file(REPO, FILENAME, data, bytes_per_second=150_000)
    window = open_window(qtbot, catalog=Catalog((chat_entry(len(data)),)))
    configure(window)
    store = window.services.settings
    store.update(replace(store.current, network=replace(store.current.network,
                                                        hub_endpoint=hub.base_url)))
    return window


def download_running() -> bool:
    return any(t.name == f"mosaic-download-{ENTRY_ID}" for t in threading.enumerate())


def destination(paths: AppPaths) -> Path:
    return paths.models_dir / ENTRY_ID / FILENAME


# --- 1. what is installed -----------------------------------------------------------------


def test_installed_tab_lists_models_and_whisper_checkpoints_with_the_disk_they_take(
        qtbot: QtBot, model_in_folder: Path, whisper_base_en: Path) -> None:
    window = open_window(qtbot)
    models = open_models(qtbot, window)
    view = models.installed
    tree = view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=WAIT_MS)
    chat, speech = view.item(model_in_folder), view.item(whisper_base_en)
    assert chat is not None and speech is not None
    assert chat.text(NAME) == "tiny-llama-test" and chat.text(KIND) == "Chat"
    assert chat.text(SIZE) == format_bytes(model_in_folder.stat().st_size)
    assert speech.text(NAME) == "Whisper base.en" and speech.text(KIND) == "Speech"
    assert speech.text(SIZE) == format_bytes(whisper_base_en.stat().st_size)
    total = model_in_folder.stat().st_size + whisper_base_en.stat().st_size
    assert view.footer_label.text().startswith(f"2 models · {format_bytes(total)} on disk in ")
    assert view.footer_label.isVisible() and not view.empty_label.isVisible()
    assert not view.delete_button.isEnabled()  # nothing selected yet
    assert [models.tabs.tabText(i) for i in range(3)] == ["&Installed", "&Get models",
                                                          "&Downloads"]
    shoot(models, "models_installed")


def test_an_empty_models_folder_says_how_to_get_one(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    view = open_models(qtbot, window).installed
    assert view.empty_label.isVisible() and not view.tree.isVisible()
    assert "Download one from the catalog or import" in view.empty_label.text()
    assert view.footer_label.text().startswith("0 models · ")


# --- 2. defaults --------------------------------------------------------------------------


def test_set_as_default_for_chat_and_for_speech_is_saved(
        qtbot: QtBot, paths: AppPaths, model_in_folder: Path, whisper_base_en: Path) -> None:
    window = open_window(qtbot)
    view = open_models(qtbot, window).installed
    qtbot.waitUntil(lambda: view.tree.topLevelItemCount() == 2, timeout=WAIT_MS)

    click_row(qtbot, view.tree, view.item(model_in_folder))
    assert view.default_button.isEnabled()
    assert not view.default_actions["speech"].isEnabled()  # a chat model cannot listen
    choose_from_menu(view.default_button, "for chat")
    qtbot.waitUntil(lambda: view.item(model_in_folder).text(DEFAULT) == "Default for chat",
                    timeout=WAIT_MS)
    saved = SettingsStore(paths.settings_file).current  # what the next start reads
    assert saved.default_chat_model == str(model_in_folder)
    assert Path(saved.default_chat_model).is_file()  # so restore_last_model loads it
    assert view.default_actions["chat"].isChecked()
    assert not view.default_actions["chat"].isEnabled()  # already the default

    click_row(qtbot, view.tree, view.item(whisper_base_en))
    assert not view.default_actions["chat"].isEnabled()
    choose_from_menu(view.default_button, "for speech")
    qtbot.waitUntil(lambda: view.item(whisper_base_en).text(DEFAULT) == "Default for speech",
                    timeout=WAIT_MS)
    saved = SettingsStore(paths.settings_file).current
    assert saved.speech.whisper_model == "base.en"
    assert saved.default_chat_model == str(model_in_folder)  # untouched
    assert view.item(model_in_folder).text(DEFAULT) == "Default for chat"


# --- 3. deleting --------------------------------------------------------------------------


def test_delete_asks_first_and_keeps_the_conversations_that_used_the_model(
        qtbot: QtBot, paths: AppPaths, model_in_folder: Path) -> None:
    window = open_window(qtbot)
    repository = window.services.repository
    chat = repository.create_conversation("Talk with tiny")
    repository.set_conversation_model(chat.id, str(model_in_folder))
    window.conversations.refresh()
    store = window.services.settings
    store.update(replace(store.current, default_chat_model=str(model_in_folder)))
    assert str(model_in_folder) in model_bar_paths(window)

    models = open_models(qtbot, window)
    view = models.installed
    qtbot.waitUntil(lambda: view.item(model_in_folder) is not None, timeout=WAIT_MS)
    click_row(qtbot, view.tree, view.item(model_in_folder))

    def cancel(box: QMessageBox) -> None:
        assert box.windowTitle() == "Delete model"
        assert box.text() == "Delete tiny-llama-test?"
        assert "1 conversation uses it; it stays" in box.informativeText()
        assert box.checkBox() is None  # no projector to ask about
        click(qtbot, box.button(QMessageBox.StandardButton.Cancel))

    answer = answer_modal(QMessageBox, cancel)
    click(qtbot, view.delete_button)
    answer.check()
    assert model_in_folder.is_file()
    assert view.item(model_in_folder) is not None

    def delete(box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if b.text() == "Delete")
        click(qtbot, button)

    answer = answer_modal(QMessageBox, delete)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Delete)  # the Delete key asks the same
    answer.check()
    assert not model_in_folder.exists()
    assert not paths.models_dir.joinpath("tiny-chat.gguf").exists()
    qtbot.waitUntil(lambda: view.item(model_in_folder) is None, timeout=WAIT_MS)
    assert view.empty_label.isVisible()
    assert models.notice.text() == "Deleted tiny-llama-test."
    assert str(model_in_folder) not in model_bar_paths(window)
    assert store.current.default_chat_model is None  # no default pointing at nothing

    assert repository.conversation(chat.id) is not None  # the conversation stays
    conversations = window.sidebar.list_widget
    item = next(conversations.item(i) for i in range(conversations.count())
                if "Talk with tiny" in conversations.item(i).text())
    qtbot.mouseClick(conversations.viewport(), Qt.MouseButton.LeftButton,
                     pos=conversations.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.conversations.current_id == chat.id, timeout=WAIT_MS)
    assert "tiny-chat.gguf, which is no longer on this computer" in window.notice_bar.text()


# --- 4. show in folder --------------------------------------------------------------------


def test_show_in_folder_opens_the_models_folder_in_the_file_manager(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, model_in_folder: Path) -> None:
    opened: list[QUrl] = []
    answers = [True, False]

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return answers.pop(0)

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = open_window(qtbot)
    models = open_models(qtbot, window)
    view = models.installed
    qtbot.waitUntil(lambda: view.item(model_in_folder) is not None, timeout=WAIT_MS)
    assert not view.reveal_button.isEnabled()
    click_row(qtbot, view.tree, view.item(model_in_folder))
    click(qtbot, view.reveal_button)
    assert [url.toLocalFile() for url in opened] == [str(model_in_folder.parent)]
    assert not models.notice.isVisible()

    click(qtbot, view.reveal_button)  # no file manager on this desktop
    assert models.notice.text() == (f"Could not open a file manager; the model is in "
                                    f"{model_in_folder.parent}.")


# --- 5. and 6. downloading ----------------------------------------------------------------


def test_download_pause_resume_and_the_model_arrives_in_the_lists(
        qtbot: QtBot, hub: FakeHub, hub_window: MainWindow, paths: AppPaths,
        tiny_gguf: Path) -> None:
    window = hub_window
    indicator = window.downloads_indicator
    assert not indicator.isVisible()
    models = open_models(qtbot, window, ModelsWindow.CATALOG)
    catalog = models.catalog
    qtbot.waitUntil(lambda: ENTRY_ID in catalog.entry_ids(), timeout=WAIT_MS)
    assert catalog.item(ENTRY_ID).text(0) == "Tiny Chat"
    assert catalog.machine_label.text().startswith("This computer: ")
    button = catalog.button(ENTRY_ID)
    assert button.text() == "Download"
    shoot(models, "models_catalog")

    click(qtbot, button)
    assert models.notice.text().startswith("Downloading Tiny Chat (")
    assert button.text() == "Downloading…" and not button.isEnabled()
    manager = window.downloads
    qtbot.waitUntil(lambda: manager.job(ENTRY_ID).done_bytes > 100_000, timeout=WAIT_MS)
    assert indicator.isVisible() and indicator.text().startswith("Downloading 1 model · ")
    assert models.tabs.tabText(ModelsWindow.DOWNLOADS) == "&Downloads (1)"

    click(qtbot, indicator)  # the status bar's indicator opens the Downloads tab
    assert models.tabs.currentIndex() == ModelsWindow.DOWNLOADS
    row = models.downloads.row(ENTRY_ID)
    assert row is not None and row.isVisible()
    assert row.name_label.text() == "Tiny Chat"
    assert " of " in row.status_text() and row.pause_button.text() == "Pause"
    shoot(models, "models_downloads")

    click(qtbot, row.pause_button)
    assert row.status_text().startswith("Paused · ")
    assert row.pause_button.text() == "Resume"
    assert indicator.text() == "1 download paused"
    part = part_path(destination(paths))
    qtbot.waitUntil(lambda: not download_running(), timeout=WAIT_MS)
    kept = part.stat().st_size
    size = tiny_gguf.stat().st_size
    assert 0 < kept < size
    # What the row says is what is kept (bytes that arrived after the click included).
    qtbot.waitUntil(lambda: row.status_text() ==
                    f"Paused · {format_bytes(kept)} of {format_bytes(size)}", timeout=WAIT_MS)
    assert not destination(paths).exists()
    shoot(models, "models_downloads_paused")

    hub.add_file(REPO, FILENAME, tiny_gguf.read_bytes())  # full speed from here
    hub.clear_requests()
    with qtbot.waitSignal(window.services.engine.modelLoaded, timeout=LOAD_TIMEOUT_MS):
        click(qtbot, row.pause_button)  # Resume; no model was loaded, so it loads
        qtbot.waitUntil(lambda: row.status_text().startswith("Ready · "), timeout=WAIT_MS)
    assert destination(paths).read_bytes() == tiny_gguf.read_bytes()
    assert not part.exists()
    assert f"bytes={kept}-" in [r.range for r in hub.requests]  # it went on, not over
    assert row.cancel_button.text() == "Remove from list"
    assert not row.pause_button.isVisible()
    assert not indicator.isVisible()
    assert models.notice.text() == "Tiny Chat is ready and loading."  # where the person looks
    assert "tiny" in window.model_panel.status_text().lower()
    assert str(destination(paths)) in model_bar_paths(window)

    models.tabs.setCurrentIndex(ModelsWindow.INSTALLED)
    view = models.installed
    qtbot.waitUntil(lambda: view.item(destination(paths)) is not None, timeout=WAIT_MS)
    assert view.item(destination(paths)).text(NAME) == "Tiny Chat"  # the catalog's name
    qtbot.waitUntil(lambda: catalog.button(ENTRY_ID).text() == "Installed", timeout=WAIT_MS)
    assert not catalog.button(ENTRY_ID).isEnabled()

    window.downloads_action.trigger()  # Models → Downloads…
    assert models.tabs.currentIndex() == ModelsWindow.DOWNLOADS
    click(qtbot, row.cancel_button)  # Remove from list
    qtbot.waitUntil(models.downloads.is_empty, timeout=WAIT_MS)
    assert models.downloads.empty_label.isVisible()
    assert destination(paths).is_file()  # removing the row keeps the model


def test_cancel_stops_the_download_and_deletes_what_arrived(
        qtbot: QtBot, hub_window: MainWindow, paths: AppPaths) -> None:
    window = hub_window
    models = open_models(qtbot, window, ModelsWindow.CATALOG)
    qtbot.waitUntil(lambda: ENTRY_ID in models.catalog.entry_ids(), timeout=WAIT_MS)
    click(qtbot, models.catalog.button(ENTRY_ID))
    part = part_path(destination(paths))
    qtbot.waitUntil(lambda: part.is_file() and part.stat().st_size > 0, timeout=WAIT_MS)
    window.downloads_action.trigger()  # Models → Downloads…
    assert models.tabs.currentIndex() == ModelsWindow.DOWNLOADS
    row = models.downloads.row(ENTRY_ID)
    assert row is not None and row.cancel_button.text() == "Cancel"
    click(qtbot, row.cancel_button)
    qtbot.waitUntil(models.downloads.is_empty, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not part.exists(), timeout=WAIT_MS)
    assert not destination(paths).exists()
    assert not window.downloads_indicator.isVisible()
    assert models.tabs.tabText(ModelsWindow.DOWNLOADS) == "&Downloads"
    qtbot.waitUntil(lambda: models.catalog.button(ENTRY_ID).text() == "Download",
                    timeout=WAIT_MS)
    assert models.catalog.button(ENTRY_ID).isEnabled()


def test_a_damaged_download_says_so_and_installs_nothing(
        qtbot: QtBot, hub: FakeHub, hub_window: MainWindow, paths: AppPaths,
        tiny_gguf: Path) -> None:
    hub.add_file(REPO, FILENAME, tiny_gguf.read_bytes(), wrong_bytes=True)
    window = hub_window
    models = open_models(qtbot, window, ModelsWindow.CATALOG)
    qtbot.waitUntil(lambda: ENTRY_ID in models.catalog.entry_ids(), timeout=WAIT_MS)
    click(qtbot, models.catalog.button(ENTRY_ID))
    manager = window.downloads
    qtbot.waitUntil(lambda: manager.job(ENTRY_ID).state is JobState.FAILED, timeout=WAIT_MS)
    row = models.downloads.row(ENTRY_ID)
    assert row is not None
    sentence = row.status_text()
    assert FILENAME in sentence and ("checksum" in sentence or "damaged" in sentence)
    assert sentence.endswith(".") and "Traceback" not in sentence
    assert row.cancel_button.text() == "Remove from list"  # nothing to resume
    assert not row.pause_button.isVisible()
    assert window.downloads_indicator.text() == "1 download failed"
    assert not destination(paths).exists() and not part_path(destination(paths)).exists()
    assert [p for p in paths.models_dir.rglob("*") if p.is_file()] == []
    models.tabs.setCurrentIndex(ModelsWindow.INSTALLED)
    window.library.refresh()
    qtbot.waitUntil(lambda: window.library.scan is not None
                    and window.library.scan.models == (), timeout=WAIT_MS)
    assert models.installed.empty_label.isVisible()
    assert model_bar_paths(window) == []


# --- 7. offline mode and the hub address ---------------------------------------------------


def test_offline_mode_downloads_nothing_and_a_bad_hub_address_is_refused(
        qtbot: QtBot, hub: FakeHub, hub_window: MainWindow) -> None:
    window = hub_window

    def bad_address(dialog: SettingsDialog) -> None:
        network = dialog.network
        dialog.tabs.setCurrentIndex(dialog.tabs.indexOf(network.parentWidget()))
        assert network.endpoint.currentText() == hub.base_url
        network.endpoint.lineEdit().selectAll()
        qtbot.keyClicks(network.endpoint.lineEdit(), "ftp://models.example")
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
        assert dialog.isVisible()  # refused: the dialog stays open and says why
        assert network.endpoint_note.text() == (
            "“ftp://models.example” is not a hub address; enter one that starts with "
            "https://, for example https://huggingface.co.")
        assert dialog.tabs.currentWidget() is network.parentWidget()
        shoot(dialog, "settings_network_bad_address")
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    answer = answer_modal(SettingsDialog, bad_address)
    window.settings_action.trigger()
    answer.check()
    assert window.services.settings.current.network.hub_endpoint == hub.base_url

    def go_offline(dialog: SettingsDialog) -> None:
        network = dialog.network
        dialog.tabs.setCurrentIndex(dialog.tabs.indexOf(network.parentWidget()))
        assert not network.offline.isChecked() and network.endpoint.isEnabled()
        qtbot.mouseClick(network.offline, Qt.MouseButton.LeftButton,
                         pos=QPoint(8, network.offline.height() // 2))
        assert network.offline.isChecked() and not network.endpoint.isEnabled()
        shoot(dialog, "settings_network_offline")
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))

    answer = answer_modal(SettingsDialog, go_offline)
    window.settings_action.trigger()
    answer.check()
    assert window.services.settings.current.network.offline

    hub.clear_requests()
    models = open_models(qtbot, window, ModelsWindow.CATALOG)
    qtbot.waitUntil(lambda: ENTRY_ID in models.catalog.entry_ids(), timeout=WAIT_MS)
    click(qtbot, models.catalog.button(ENTRY_ID))
    assert models.notice.isVisible()
    assert models.notice.text() == ("Offline mode is on, so Mosaic downloads nothing; turn "
                                    "it off in Settings → Network to download Tiny Chat.")
    assert models.downloads.is_empty() and not window.downloads_indicator.isVisible()
    assert models.catalog.button(ENTRY_ID).text() == "Download"
    qtbot.wait(200)
    assert hub.requests == []


# --- 8. importing files a person already has ------------------------------------------------


def drop_files(qtbot: QtBot, target: QWidget, files: list[Path]) -> None:
    """Drag ``files`` from a file manager onto ``target`` and let go."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    where = target.rect().center()
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(where.toPointF(), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()


@pytest.mark.parametrize("mode", ["link", "copy"])
def test_dropped_files_are_inspected_and_imported_by_link_or_copy(
        qtbot: QtBot, tmp_path: Path, paths: AppPaths, tiny_gguf: Path, mode: str) -> None:
    elsewhere = tmp_path / "Downloads"
    elsewhere.mkdir()
    model = shutil.copy(tiny_gguf, elsewhere / "my-tiny.gguf")
    picture = elsewhere / "holiday.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    window = open_window(qtbot)
    configure(window)
    models = open_models(qtbot, window)

    def choose(dialog: ImportDialog) -> None:
        assert dialog.windowTitle() == "Import models"
        assert dialog.found.count() == 1
        text = dialog.found.item(0).text()
        assert text.startswith("Language model: ") and str(model) in text
        assert dialog.refused.isVisible()
        assert dialog.refused.text().startswith("holiday.png is an image (PNG), not a model")
        assert dialog.copy.isChecked()  # copying is the safe default
        shoot(dialog, "import_dialog")
        button = dialog.link if mode == "link" else dialog.copy
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
        assert button.isChecked()
        click(qtbot, dialog.import_button)

    answer = answer_modal(ImportDialog, choose)
    with qtbot.waitSignal(window.library.importer.imported, timeout=WAIT_MS) as imported:
        drop_files(qtbot, models, [model, picture])
    answer.check()
    registered = Path(imported.args[0][0])
    assert registered.parent.parent == paths.models_dir
    assert registered.name == "my-tiny.gguf"
    if mode == "link":
        assert registered.is_symlink() and registered.resolve() == model.resolve()
    else:
        assert not registered.is_symlink()
        assert registered.read_bytes() == tiny_gguf.read_bytes()
    assert model.is_file()  # the original stays where it was
    assert models.notice.text() == "Imported my-tiny.gguf."
    assert str(registered) in model_bar_paths(window)
    view = models.installed
    qtbot.waitUntil(lambda: view.item(registered) is not None, timeout=WAIT_MS)
    assert view.item(registered).text(NAME) == "tiny-llama-test"
    # No model was loaded, so the one just imported loads.
    qtbot.waitUntil(lambda: "tiny" in window.model_panel.status_text().lower(),
                    timeout=LOAD_TIMEOUT_MS)


def test_files_mosaic_cannot_use_are_refused_with_their_sentence(
        qtbot: QtBot, tmp_path: Path, paths: AppPaths) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model\n")
    window = open_window(qtbot)
    models = open_models(qtbot, window)

    def look(dialog: ImportDialog) -> None:
        assert not dialog.found.isVisible() and not dialog.import_button.isEnabled()
        assert not dialog.copy.isVisible() and not dialog.link.isVisible()
        assert dialog.refused.text().startswith("notes.txt is a text file, not a model file")
        click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"))

    answer = answer_modal(ImportDialog, look)
    models.filesDropped.emit([str(notes)])
    answer.check(qtbot)
    qtbot.waitUntil(lambda: not window.library.importer.busy, timeout=WAIT_MS)
    assert [p for p in paths.models_dir.rglob("*") if p.is_file()] == []
