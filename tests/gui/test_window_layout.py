"""The real windows, as a person sees them: at 1280×800 and 800×600, light and dark, in
English and Simplified Chinese, no text is cut off, no controls overlap, none sticks out.

Every case saves a screenshot under ``test-artifacts/screenshots/`` (or
``$MOSAIC_TEST_ARTIFACTS/screenshots/``) to look at.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSize, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QImage
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.paths import AppPaths
from assistant.storage.chat_repository import ChatRepository
from assistant.storage.database import open_database
from assistant.ui.about_dialog import AboutDialog
from assistant.ui.main_window import MainWindow
from assistant.ui.models_window import ModelsWindow
from assistant.ui.settings_dialog import SettingsDialog
from assistant.ui.shortcuts_dialog import ShortcutsDialog, window_keys
from assistant.ui.theme import apply_theme, restore_theme, theme_snapshot
from assistant.ui.translations import install_translations
from tests.gui.conftest import open_window
from tests.support.layout_check import layout_problems, save_screenshot, window_size_problems

pytestmark = pytest.mark.gui

SIZES = [QSize(1280, 800), QSize(800, 600)]
THEMES = ["light", "dark"]
LANGUAGES = ["en", "zh_CN"]
WAIT_MS = 20_000


@dataclass(frozen=True)
class Look:
    theme: str
    language: str

    def __str__(self) -> str:
        return f"{self.theme}-{self.language}"


LOOKS = [Look(theme, language) for theme in THEMES for language in LANGUAGES]


@pytest.fixture
def mosaic_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Mosaic's folders at a path as long as a person's usually is (the models folder is
    shown in the window): about 60 characters, like macOS's ``/Users/<name>/Library/
    Application Support/Mosaic/models``, not pytest's 90-character temporary paths."""
    base = Path(tempfile.mkdtemp(prefix="layout-"))
    home = base / "Users" / "someone" / "Library" / "Mosaic"
    monkeypatch.setenv("MOSAIC_HOME", str(home))
    yield home
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=LOOKS, ids=str)
def look(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[Look]:
    """The theme and language in force for the windows the test opens; afterwards the
    application looks and speaks as before (English, the theme it had)."""
    chosen: Look = request.param
    if chosen.language == "zh_CN" and not QFontDatabase.families(
            QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no font for Chinese is installed (Debian: apt install fonts-noto-cjk)")
    theme_before, locale_before = theme_snapshot(qapp), QLocale()
    apply_theme(qapp, chosen.theme)
    assert install_translations(qapp, chosen.language) == chosen.language
    yield chosen
    install_translations(qapp, "en")  # what the session's other GUI tests expect
    QLocale.setDefault(locale_before)
    restore_theme(qapp, theme_before)


def settle(qtbot: QtBot) -> None:
    """Let layouts, deferred resizes and first paints happen."""
    qtbot.wait(50)


def expect_none(problems: list[str]) -> None:
    assert not problems, "layout problems:\n" + "\n".join(problems)


def problems_of(widget: QWidget, size: QSize | None = None) -> list[str]:
    found = window_size_problems(widget, size) if size is not None else []
    return found + layout_problems(widget)


# --- the main window, in three states -----------------------------------------------------


def _write_conversation(paths: AppPaths, tmp_path: Path) -> None:
    """A conversation with what a transcript shows: long prose, a list, code, an image, a
    stopped answer and a failed one."""
    opened = open_database(paths.database)
    repository = ChatRepository(opened.connection, paths.attachments_dir)
    picture = QImage(320, 200, QImage.Format.Format_RGB32)
    picture.fill(QColor("#3b7dd8"))
    picture_path = tmp_path / "harbour.png"
    assert picture.save(str(picture_path))
    image = repository.attachment_store.add_image(picture_path, "harbour.png")
    chat = repository.create_conversation()
    repository.add_message(chat.id, Role.USER, "What is in this picture, and how would I "
                           "count the boats in it with Python?", images=[image])
    answer = repository.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING,
                                    model="tiny-chat.gguf")
    repository.finish_message(answer.id, (
        "The picture is a plain blue rectangle, so there are **no boats** to count. For a "
        "real harbour photo you could:\n\n1. detect objects with a model;\n2. keep the ones "
        "labelled *boat*;\n3. count them.\n\n```python\nboats = [d for d in detections if "
        "d.label == 'boat']\nprint(len(boats))\n```\n"), MessageStatus.COMPLETE,
        Timings(prompt_tokens=412, generated_tokens=96, time_to_first_token_s=0.8,
                generation_s=3.1))
    repository.add_message(chat.id, Role.USER, "Explain it again, in more detail.")
    stopped = repository.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING)
    repository.finish_message(stopped.id, "Sure. First, a detector looks", MessageStatus.STOPPED)
    repository.add_message(chat.id, Role.USER, "And in one sentence?")
    failed = repository.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING)
    repository.finish_message(failed.id, "", MessageStatus.ERROR,
                              error="The model ran out of memory; try a smaller context size.")
    opened.connection.close()


def _first_run(qtbot: QtBot, window: MainWindow) -> None:
    window.welcome.start()
    qtbot.waitUntil(lambda: window.welcome.showing, timeout=WAIT_MS)


STATES = ["first-run", "model", "conversation"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s.width()}x{s.height()}")
@pytest.mark.parametrize("state", STATES)
def test_the_main_window_has_no_cut_or_overlapping_controls(
        qtbot: QtBot, look: Look, state: str, size: QSize, paths: AppPaths, tiny_gguf: Path,
        tmp_path: Path) -> None:
    if state != "first-run":
        shutil.copy(tiny_gguf, paths.models_dir / "tiny-chat.gguf")
    if state == "conversation":
        _write_conversation(paths, tmp_path)
    window = open_window(qtbot)
    if state == "first-run":
        _first_run(qtbot, window)
    window.resize(size)
    settle(qtbot)
    if state == "conversation":
        assert window.sidebar.list_widget.count() == 1
    save_screenshot(window, f"main-{state}-{size.width()}x{size.height()}-{look}")
    expect_none(problems_of(window, size))


# --- dialogs at their own size and at their smallest ------------------------------------


def _check_dialog(qtbot: QtBot, dialog: QWidget, name: str,
                  tabs: QTabWidget | None = None) -> list[str]:
    """The dialog at the size it opens with, then at its smallest; every tab of ``tabs``
    in turn: a screenshot each, and what is wrong."""
    found = _fits_small_screen(dialog)
    for label, size in (("default", dialog.size()),
                        ("smallest", dialog.minimumSizeHint().expandedTo(dialog.minimumSize()))):
        dialog.resize(size)
        for index in range(tabs.count() if tabs is not None else 1):
            if tabs is not None:
                tabs.setCurrentIndex(index)
            settle(qtbot)
            where = f"{label} size" + (f", tab {index + 1}" if tabs is not None else "")
            page = f"-tab{index + 1}" if tabs is not None else ""
            save_screenshot(dialog, f"{name}-{label}{page}")
            found += [f"{where}: {problem}" for problem in problems_of(dialog, size)]
    return found


def _fits_small_screen(dialog: QWidget) -> list[str]:
    """A dialog must be able to shrink onto an 800×600 screen (leaving room for a panel)."""
    least = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    if least.width() <= 800 and least.height() <= 560:
        return []
    return [f"{type(dialog).__name__} cannot be smaller than {least.width()}×{least.height()}, "
            "too big for an 800×600 screen"]


def _while_modal(open_it: Callable[[], object], inspect: Callable[[QDialog], None]) -> None:
    """Run ``open_it`` (which shows a modal dialog and waits), ``inspect`` the dialog while
    it is up, then close it."""
    seen: list[QDialog] = []
    looking = [True]  # stops the search when the test ends, found or not

    def look_at_it() -> None:
        if not looking[0]:
            return
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not dialog.isVisible():
            QTimer.singleShot(20, look_at_it)
            return
        seen.append(dialog)
        try:
            inspect(dialog)
        finally:
            dialog.reject()

    QTimer.singleShot(0, look_at_it)
    try:
        open_it()
    finally:
        looking[0] = False
    assert seen, "the dialog did not open"


def test_the_settings_dialog_every_tab(qtbot: QtBot, look: Look) -> None:
    window = open_window(qtbot)
    found: list[str] = []

    def inspect(dialog: QDialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        found.extend(_check_dialog(qtbot, dialog, f"settings-{look}", dialog.tabs))

    _while_modal(window.settings_action.trigger, inspect)
    expect_none(found)


def test_the_models_window_every_tab(qtbot: QtBot, look: Look, paths: AppPaths,
                                     tiny_gguf: Path) -> None:
    shutil.copy(tiny_gguf, paths.models_dir / "tiny-chat.gguf")
    window = open_window(qtbot)
    window.models_action.trigger()
    models = window.findChild(ModelsWindow)
    assert models is not None
    qtbot.waitExposed(models)
    qtbot.waitUntil(lambda: models.installed.item(paths.models_dir / "tiny-chat.gguf")
                    is not None, timeout=WAIT_MS)
    expect_none(_check_dialog(qtbot, models, f"models-{look}", models.tabs))


def test_the_about_dialog(qtbot: QtBot, look: Look, paths: AppPaths) -> None:
    window = open_window(qtbot)
    dialog = AboutDialog(paths, window)
    with qtbot.waitExposed(dialog):
        dialog.show()
    expect_none(_check_dialog(qtbot, dialog, f"about-{look}"))


def test_the_shortcuts_dialog(qtbot: QtBot, look: Look) -> None:
    window = open_window(qtbot)
    dialog = ShortcutsDialog(window.actions(), window_keys(), window)
    with qtbot.waitExposed(dialog):
        dialog.show()
    expect_none(_check_dialog(qtbot, dialog, f"shortcuts-{look}"))
