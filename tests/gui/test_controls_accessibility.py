"""The chat's controls (sidebar, model bar, notices, push-to-talk) in another theme, from the
keyboard, for screen readers, and in another language."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenu, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from assistant.ui.conversation_item_delegate import relative_time
from assistant.ui.conversation_sidebar import ConversationSidebar
from assistant.ui.mic_button import MicButton
from assistant.ui.model_panel import ModelPanel, format_parameters
from assistant.ui.notice_bar import NoticeBar, error_color
from assistant.ui.push_to_talk import shortcut_problem
from assistant.ui.recording_bar import LEVEL_GREEN, LEVEL_GREEN_DARK, RecordingBar
from assistant.ui.system_prompt_dialog import SystemPromptDialog
from assistant.ui.theme import contrast_ratio
from tests.support.palettes import PaletteSwitch, light_palette_then_back
from tests.support.pseudo_translation import compile_pseudo_translation, translation_installed

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "assistant" / "ui"
CONTROL_FILES = ["conversation_sidebar.py", "conversation_item_delegate.py",
                 "conversation_controller.py", "chat_controller.py", "model_panel.py",
                 "model_controller.py", "system_prompt_dialog.py", "notice_bar.py",
                 "mic_button.py", "push_to_talk.py", "recording_bar.py", "speech_controller.py"]


# -- helpers ---------------------------------------------------------------------------------

Show = Callable[..., QWidget]  # shows a widget in a window: (widget, width=…, height=…)


@dataclass(frozen=True)
class Conv:
    id: int
    title: str
    updated_at: float



@pytest.fixture
def theme(qapp: QApplication) -> Iterator[PaletteSwitch]:
    """Starts in Mosaic's light palette; a test switches the application to dark with
    ``to_dark``; the original palette comes back afterwards."""
    with light_palette_then_back(qapp) as switch:
        yield switch


@pytest.fixture
def hosted(qtbot: QtBot) -> Iterator[Show]:
    """Shows a widget in a window of its own; the windows live until the test ends."""
    hosts: list[QWidget] = []

    def show(widget: QWidget, width: int = 520, height: int = 120) -> QWidget:
        host = QWidget()
        QVBoxLayout(host).addWidget(widget)
        host.resize(width, height)
        qtbot.addWidget(host)
        host.show()
        qtbot.waitExposed(host)
        hosts.append(host)
        return host

    yield show
    hosts.clear()


def painted_background(widget: QWidget) -> QColor:
    """The colour painted just inside the left edge, half-way down (no text there)."""
    return widget.grab().toImage().pixelColor(4, widget.height() // 2)


def window_text(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


def tab_chain(start: QWidget, steps: int) -> list[QWidget]:
    """The widgets Tab visits from ``start``, as the focus chain says."""
    chain, widget = [], start
    for _ in range(steps):
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible()
                   and widget.isEnabled()):
            widget = widget.nextInFocusChain()
        chain.append(widget)
    return chain


def unnamed_controls(root: QWidget) -> list[QWidget]:
    """Visible controls reached by Tab that a screen reader could not name."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not (widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName().strip() or text.strip(" …&")):
            missing.append(widget)
    return missing


# -- the theme changes while the window is open ----------------------------------------------


def test_an_error_notice_follows_a_switch_to_dark(hosted: Show, theme: PaletteSwitch) -> None:
    bar = NoticeBar()
    hosted(bar)
    bar.show_error("The model file is damaged; download it again.")
    light_error = window_text(bar._label)
    assert painted_background(bar).lightness() > 180, "a light tint on a light window"

    dark = theme.to_dark()
    dark_error = window_text(bar._label)
    assert dark_error == error_color(dark) != light_error
    assert contrast_ratio(dark_error, painted_background(bar)) >= 4.5, \
        "readable on the dark tint"
    assert painted_background(bar).lightness() < 80, "the tint follows the dark window"


def test_an_info_notice_keeps_the_theme_text_colour(hosted: Show, theme: PaletteSwitch) -> None:
    bar = NoticeBar()
    hosted(bar)
    bar.show_error("First a problem.")
    bar.show_info("The model finished loading.")
    dark = theme.to_dark()
    assert window_text(bar._label) == dark.color(QPalette.ColorRole.WindowText), \
        "not stuck in the light theme's black"


def test_the_model_bar_recolours_its_dot_and_error(hosted: Show, theme: PaletteSwitch,
                                                   tmp_path: Path) -> None:
    panel = ModelPanel()
    hosted(panel, 760, 110)
    model = tmp_path / "gemma.gguf"
    panel.set_available_models([model], str(model))
    panel.set_loaded("gemma", "4096 ctx · 2 threads · CPU")
    panel.show_model_error(model, "gemma.gguf is incomplete; download it again.")
    light_dot = window_text(panel._dot)

    dark = theme.to_dark()
    window = dark.color(QPalette.ColorRole.Window)
    assert window_text(panel._dot) != light_dot
    assert contrast_ratio(window_text(panel._dot), window) >= 4.5
    assert window_text(panel._note) == error_color(dark)
    assert contrast_ratio(window_text(panel._note), window) >= 4.5


def test_the_recording_bar_and_its_meter_follow_a_switch_to_dark(hosted: Show,
                                                                 theme: PaletteSwitch) -> None:
    bar = RecordingBar()
    hosted(bar, 600, 80)
    bar.show_listening()
    bar.set_level(0.5)
    assert painted_background(bar).lightness() > 180
    meter = bar.meter
    fill = meter.grab().toImage().pixelColor(meter.width() // 8, meter.height() // 2)
    assert fill == QColor(LEVEL_GREEN)

    theme.to_dark()
    background = painted_background(bar)
    assert background.lightness() < 80, "the tint follows the dark text-box colour"
    fill = meter.grab().toImage().pixelColor(meter.width() // 8, meter.height() // 2)
    assert fill == QColor(LEVEL_GREEN_DARK)
    assert contrast_ratio(fill, background) >= 3, "the level stands out on the dark bar"


def test_the_microphone_is_drawn_in_the_theme_text_colour(hosted: Show,
                                                          theme: PaletteSwitch) -> None:
    mic = MicButton()
    hosted(mic, 80, 60)

    def ink() -> QColor:
        image = mic.icon().pixmap(mic.iconSize()).toImage()
        pixels = (image.pixelColor(x, y) for x in range(image.width())
                  for y in range(image.height()))
        return max(pixels, key=lambda c: c.alpha())  # the most solid stroke pixel

    assert ink().lightness() < 100, "dark on the light theme"
    theme.to_dark()
    assert ink().lightness() > 180, "light on the dark theme"


# -- the keyboard and screen readers ----------------------------------------------------------


def test_the_mic_button_is_named_reached_by_tab_and_names_its_key(hosted: Show) -> None:
    mic = MicButton()
    mic.set_shortcut_text("F9")
    hosted(mic, 80, 60)
    assert mic.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert mic.accessibleName() == "Hold to talk"
    assert "F9" in mic.toolTip() and "F9" in mic.accessibleDescription()


def test_notice_buttons_are_named_and_reached_by_tab(hosted: Show) -> None:
    bar = NoticeBar()
    hosted(bar)
    bar.show_undo("Deleted “Trip plans”.")
    assert unnamed_controls(bar) == []
    assert bar.close_button.accessibleName() == "Dismiss notice"
    assert tab_chain(bar.undo_button, 1) == [bar.close_button]


def test_the_sidebar_is_walked_by_tab_and_every_control_is_named(hosted: Show) -> None:
    sidebar = ConversationSidebar()
    hosted(sidebar, 280, 400)
    sidebar.set_conversations([Conv(1, "Trip plans", time.time())], 1)
    assert tab_chain(sidebar.new_button, 2) == [sidebar.search_field, sidebar.list_widget]
    assert unnamed_controls(sidebar) == []
    assert "Ctrl+F" in sidebar.search_field.toolTip()


def test_the_model_bar_is_walked_by_tab_and_every_control_is_named(hosted: Show,
                                                                   tmp_path: Path) -> None:
    panel = ModelPanel()
    hosted(panel, 760, 110)
    model = tmp_path / "gemma.gguf"
    panel.set_available_models([model], str(model))
    assert tab_chain(panel.combo, 3) == [panel.open_button, panel.vision_button,
                                         panel.load_button]
    assert unnamed_controls(panel) == []
    assert panel.combo.accessibleName() == "Model"
    assert "Ctrl+O" in panel.open_button.toolTip()


# A popup menu on the offscreen platform cannot be raised or grab the keyboard; it still works.
@pytest.mark.qt_log_ignore("This plugin does not support raise",
                           "This plugin does not support grabbing the keyboard")
@pytest.mark.parametrize("key", [(Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
                                 (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier)],
                         ids=["shift-f10", "menu-key"])
def test_the_chat_menu_opens_from_the_keyboard(qtbot: QtBot, hosted: Show,
                                               key: tuple[Qt.Key, Qt.KeyboardModifier]) -> None:
    """Edit system prompt… is only in the context menu: the keyboard reaches it too."""
    sidebar = ConversationSidebar()
    hosted(sidebar, 280, 400)
    now = time.time()
    sidebar.set_conversations([Conv(1, "Trip plans", now), Conv(2, "Sourdough", now - 60)], 1)
    sidebar.list_widget.setFocus()
    qtbot.keyClick(sidebar.list_widget, Qt.Key.Key_Down)  # to "Sourdough"
    shown: list[list[str]] = []

    def choose_second_entry() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        shown.append([action.text() for action in menu.actions() if action.text()])
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_second_entry)
    with qtbot.waitSignal(sidebar.systemPromptRequested, timeout=3000) as asked:
        qtbot.keyClick(sidebar.list_widget, key[0], key[1])
    assert shown == [["Rename…", "Edit system prompt…", "Delete"]]
    assert asked.args == [2]


def test_rows_are_read_with_their_age(hosted: Show) -> None:
    sidebar = ConversationSidebar()
    hosted(sidebar, 280, 400)
    sidebar.set_conversations([Conv(5, "", time.time() - 5 * 60)], 5)
    spoken = sidebar.list_widget.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Untitled chat, 5 min ago"


# -- another language --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def marked_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A translation of these files' strings where every text reads ‹source›."""
    return compile_pseudo_translation((UI / name for name in CONTROL_FILES),
                                      tmp_path_factory.mktemp("marked") / "marked.qm",
                                      ("‹", "›"))


@pytest.fixture
def marked(qapp: QApplication, marked_qm: Path) -> Iterator[None]:
    with translation_installed(marked_qm):
        yield


def test_every_string_is_looked_up_under_the_context_it_was_extracted_with(
        qtbot: QtBot, marked: None, tmp_path: Path) -> None:
    """Texts kept as constants (translated where shown) and built sentences are translated."""
    bar = NoticeBar()
    assert bar.undo_button.text() == "‹Undo›"
    mic = MicButton()
    mic.set_shortcut_text("F9")
    assert mic.accessibleName() == "‹Hold to talk›"
    assert mic.toolTip() == "‹Hold to talk (F9)›"
    recording = RecordingBar()
    recording.show_listening(sends=False)
    assert recording.state_text() == "‹Listening… release to stop · Esc to cancel›"
    recording.show_progress(0.42)
    assert recording.state_text() == "‹Transcribing… 42%›"

    now = time.time()
    assert relative_time(now - 5, now) == "‹just now›"
    assert relative_time(now - 3 * 60, now) == "‹3 min ago›"
    assert relative_time(now - 400 * 86400, now).startswith("‹")
    assert shortcut_problem("Tab").startswith("‹Tab moves between controls")
    assert shortcut_problem("Ctrl+V") == "‹Ctrl+V pastes in text boxes; choose a key such as F9.›"
    assert format_parameters(268_000_000) == "‹268M parameters›"

    sidebar = ConversationSidebar()
    qtbot.addWidget(sidebar)
    sidebar.set_conversations([Conv(5, "", now)], 5)
    assert sidebar.list_widget.item(0).text() == "‹Untitled chat›"
    assert sidebar.new_button.text() == "‹New chat›"
    panel = ModelPanel()
    qtbot.addWidget(panel)
    assert panel.status_text() == "‹No model loaded›"
    dialog = SystemPromptDialog(None, "Trip", "")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "‹System prompt›"


def test_extracted_strings_are_whole_sentences_without_junk(marked_qm: Path) -> None:
    """lupdate found the strings of every file, and no empty ones or bare placeholders."""
    ts = marked_qm.with_suffix(".ts")
    tree = ET.parse(ts)
    sources = [m.findtext("source") or "" for m in tree.iter("message")]
    files = {Path(loc.get("filename", "")).name for loc in tree.iter("location")}
    assert files == set(CONTROL_FILES), "each file has its strings extracted"
    assert all(s.strip() for s in sources)
    assert not [s for s in sources if s.strip().startswith("{") and s.strip().endswith("}")
                and " " not in s.strip()]
