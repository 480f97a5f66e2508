"""The chat widgets for everyone: in another language, with the keyboard and a screen reader,
and across a live switch between a light and a dark theme.

Translation is checked with a pseudo-translation of the chat modules (tests/support/
pseudo_translation.py): each string reads ⟦its English⟧.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPalette, QTextCursor, QTextTable
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assistant.core.attachments import AudioAttachment, ImageAttachment
from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.storage.attachment_store import AttachmentStore
from assistant.ui.attachment_controller import AttachmentController, store_qimage
from assistant.ui.code_block import CodeBlockWidget
from assistant.ui.composer import Composer
from assistant.ui.image_drop import ImageDropFilter
from assistant.ui.image_viewer import ImageViewer
from assistant.ui.message_view import MessageView
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.prose_view import ProseView
from tests.gui.test_attachment_widgets import make_attachment
from tests.gui.test_message_view import Msg
from tests.support.palettes import PaletteSwitch, contrast_over, light_palette_then_back
from tests.support.pseudo_translation import compile_pseudo_translation, translation_installed

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform warns whenever a top-level window gets a minimum size.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ROOT = Path(__file__).resolve().parents[2]
CHAT_MODULES = (
    "composer", "message_widget", "message_view", "message_images", "message_audio",
    "prose_view", "code_block", "markdown_segments", "attachment_strip",
    "attachment_controller", "image_drop", "image_viewer",
)
# Data a person sees that is never translated: file, model and language names.
DATA = ("photo.png", "gone.png", "nowhere.png", "question.wav", "tiny-model", "python")
_INNERMOST_MARK = re.compile(r"⟦[^⟦⟧]*⟧")
_WORD = re.compile(r"[A-Za-z]{2,}")

ANSWER = """See [the guide](https://example.org/guide).

| Name | Size |
|---|---|
| a | 1 |

```python
print("hello")
```
"""


# -- the pseudo-translation ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pseudo_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = [ROOT / "assistant" / "ui" / f"{name}.py" for name in CHAT_MODULES]
    return compile_pseudo_translation(sources, tmp_path_factory.mktemp("pseudo") / "chat.qm",
                                      ("⟦", "⟧"))


@pytest.fixture
def pseudo(qapp: QApplication, pseudo_qm: Path) -> Iterator[None]:
    """Every chat string translated to ⟦its English⟧ while the test runs."""
    with translation_installed(pseudo_qm):
        yield


def english_in(text: str) -> str:
    """What is left of ``text`` once translated parts and data are taken out ("" if none)."""
    previous = None
    while previous != text:
        previous, text = text, _INNERMOST_MARK.sub("", text)
    for value in DATA:
        text = text.replace(value, "")
    return text if _WORD.search(text) else ""


def untranslated(root: QWidget) -> list[str]:
    """Every string of a chat widget under ``root`` (shown or not yet shown) with English left:
    texts, placeholders, tooltips and what a screen reader says."""
    found: list[str] = []

    def visit(widget: QWidget) -> None:
        module = type(widget).__module__
        if module.startswith("assistant.") and module.rsplit(".", 1)[-1] not in CHAT_MODULES:
            return  # another part's widget: the microphone button, the recording bar
        texts = {
            "tooltip": widget.toolTip(),
            "accessible name": widget.accessibleName(),
            "accessible description": widget.accessibleDescription(),
        }
        if isinstance(widget, QAbstractButton | QLabel):
            texts["text"] = widget.text()
        if isinstance(widget, QPlainTextEdit):
            texts["placeholder"] = widget.placeholderText()
        for kind, text in texts.items():
            if english_in(text):
                found.append(f"{type(widget).__name__}#{widget.objectName()} {kind}: {text!r}")
        for child in widget.findChildren(QWidget,
                                         options=Qt.FindChildOption.FindDirectChildrenOnly):
            visit(child)

    visit(root)
    return found


# -- a chat window -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Message(Msg):
    """Shaped like storage's StoredMessage, with pictures and a recording."""

    images: tuple[ImageAttachment, ...] = ()
    audio: AudioAttachment | None = None


@dataclass(frozen=True)
class Chat:
    window: QWidget
    view: MessageView
    composer: Composer

    def buttons(self) -> list[QAbstractButton]:
        return [button for button in self.window.findChildren(QAbstractButton)
                if button.isVisible()]


def unreadable_image(folder: Path) -> ImageAttachment:
    """An attachment whose stored files are gone: it shows a placeholder tile."""
    return ImageAttachment("0" * 64, str(folder / "gone.png"), str(folder / "gone.thumb.png"),
                           "gone.png", 640, 480, 1234)


def open_chat(qtbot: QtBot, tmp_path: Path) -> Chat:
    """A window with a transcript (a spoken question with two pictures, an answer with a link,
    a table and code) and a composer holding the same two pictures."""
    recording = tmp_path / "question.wav"
    recording.write_bytes(b"RIFF")
    images = (make_attachment(tmp_path / "images", "photo.png"), unreadable_image(tmp_path))
    timings = Timings(prompt_tokens=12, generated_tokens=120, time_to_first_token_s=0.42,
                      generation_s=3.75)
    messages = [
        Message(1, Role.USER, "What is in this picture?", images=images,
                audio=AudioAttachment("a" * 64, str(recording), "question.wav", 2.4)),
        Message(2, Role.ASSISTANT, ANSWER, model="tiny-model", timings=timings),
    ]
    window = QWidget()
    view = MessageView()
    composer = Composer()
    layout = QVBoxLayout(window)
    layout.addWidget(view, 1)
    layout.addWidget(composer)
    view.set_messages(messages)
    composer.attachments.set_attachments(list(images))
    window.resize(820, 980)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return Chat(window, view, composer)


# -- translation -------------------------------------------------------------------------------


def test_every_string_of_the_chat_is_looked_up_in_the_translation(
    qtbot: QtBot, pseudo: None, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    chat.view.message_widget(1).start_edit()  # the editor's buttons and hint
    chat.composer.attachments.set_busy(2)
    assert untranslated(chat.window) == []
    assert chat.composer.input.placeholderText().startswith("⟦Message Mosaic…")
    assert chat.view.message_widget(2).status_line() == (
        "⟦0.42 s to first token⟧ · ⟦31.7 tokens/s⟧ · tiny-model")
    assert chat.composer.attachments.busy_text() == "⟦Preparing 2 images…⟧"
    empty = MessageView()
    qtbot.addWidget(empty)
    assert empty.placeholder_text() == "⟦Load a model and say hello.⟧"


def test_states_and_feedback_are_translated_too(
    qtbot: QtBot, pseudo: None, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    answer = chat.view.message_widget(2)
    for status, line in [
        (MessageStatus.STREAMING, "⟦Writing…⟧"),
        (MessageStatus.STOPPED, "⟦Stopped⟧"),
        (MessageStatus.INTERRUPTED,
         "⟦Interrupted — Mosaic closed before this answer was finished⟧"),
        (MessageStatus.ERROR, "⟦This answer failed. Try again, or load the model again.⟧"),
    ]:
        chat.view.set_message_state(2, status)
        assert answer.status_line() == line
    answer.copy_button.click()
    assert answer.copy_button.text() == "⟦Copied⟧"
    code = chat.window.findChild(CodeBlockWidget)
    code.copy_button.click()
    assert code.copy_button.text() == "⟦Copied⟧"
    code.set_language("")
    assert code.view.accessibleName() == "⟦Code⟧"

    composer = chat.composer
    composer.set_generating(True)
    assert (composer.button.text(), composer.button.toolTip()) == (
        "⟦Stop⟧", "⟦Stop generating (Esc)⟧")
    composer.set_generating(False)
    composer.attachments.set_attachments([])
    composer.submit()
    assert composer.hint.text() == "⟦Type a message first.⟧"
    composer.show_tap_hint()
    assert composer.hint.text() == (
        "⟦Hold the microphone button (or F9) while you speak, then let go.⟧")

    composer.attachments.set_attachments([make_attachment(tmp_path / "more", "photo.png")])
    describe = composer.attachments.quick_action_buttons()["Describe"]
    assert describe.text() == "⟦Describe⟧"
    with qtbot.waitSignal(composer.attachments.quickActionChosen) as chosen:
        describe.click()
    assert chosen.args == ["⟦Describe this image in detail.⟧"]


def test_viewer_drop_and_image_errors_are_translated(
    qtbot: QtBot, pseudo: None, tmp_path: Path
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    drops = ImageDropFilter(window)
    assert drops.overlay.accessibleName() == (
        "⟦Drop images to attach, or recordings to transcribe⟧")
    missing = ImageViewer(str(tmp_path / "nowhere.png"), window)
    assert missing.message().startswith("⟦This image's file is missing")
    photo = make_attachment(tmp_path, "photo.png")
    viewer = ImageViewer(photo.path, window, photo.name)
    assert untranslated(viewer) == [] and untranslated(missing) == []
    with pytest.raises(ValueError, match=r"^⟦The pasted image could not be read"):
        store_qimage(AttachmentStore(tmp_path / "store"), QImage(), 1)


class FakeModels(QObject):
    """What the attachment controller asks of the model controller."""

    loadedModelChanged = Signal()

    class Budget:
        def tokens_for(self, width: int, height: int) -> int:
            return 3000

    def image_budget(self) -> Budget:
        return self.Budget()

    def loaded_context(self) -> int:
        return 2048


def test_the_context_estimate_is_translated(
    qtbot: QtBot, pseudo: None, tmp_path: Path
) -> None:
    window = QWidget()
    composer = Composer(window)
    QVBoxLayout(window).addWidget(composer)
    qtbot.addWidget(window)
    AttachmentController(AttachmentStore(tmp_path / "store"), set(), composer,
                         ImageDropFilter(window), FakeModels(), NoticeBar(window),  # type: ignore[arg-type]
                         window)
    photo = make_attachment(tmp_path / "source", "photo.png")
    composer.filesChosen.emit([photo.path])
    qtbot.waitUntil(lambda: bool(composer.attachments.token_estimate()))
    assert composer.attachments.token_estimate() == (
        "⟦≈ 3,000 context tokens — more than this model's context of 2,048 allows⟧")


# -- keyboard and screen readers ---------------------------------------------------------------


def tab_through(
    qtbot: QtBot, chat: Chat, look: Callable[[QWidget], None] | None = None
) -> list[QWidget]:
    """The widgets Tab visits from the text box until it comes back to it; ``look`` sees each
    while it has the focus."""
    chat.window.activateWindow()
    chat.composer.focus_input()
    qtbot.waitUntil(chat.composer.input.hasFocus)
    visited: list[QWidget] = []
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is chat.composer.input:
            return visited
        visited.append(focused)
        if look is not None:
            look(focused)
    raise AssertionError("Tab never came back to the text box")


def spoken_name(widget: QWidget) -> str:
    """What a screen reader announces: the accessible name, else a button's own text."""
    if widget.accessibleName():
        return widget.accessibleName()
    return widget.text() if isinstance(widget, QAbstractButton) else ""


def test_tab_reaches_every_chat_button_and_each_has_a_name(
    qtbot: QtBot, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    visited = tab_through(qtbot, chat)
    missed = [spoken_name(button) or button.objectName() for button in chat.buttons()
              if button not in visited]
    assert missed == []
    assert len(chat.buttons()) >= 17  # message, picture, recording, code, chip and send buttons
    assert [type(widget).__name__ for widget in visited if not spoken_name(widget)] == []
    icon_only = [button for button in chat.buttons() if not button.text()]
    assert {spoken_name(button) for button in icon_only} >= {
        "Attach images", "Open photo.png", "Open gone.png", "Hold to talk"}


def test_keyboard_focus_is_visible_on_every_chat_button(qtbot: QtBot, tmp_path: Path) -> None:
    chat = open_chat(qtbot, tmp_path)
    unfocused = {button: button.grab().toImage() for button in chat.buttons()}
    unmarked: list[str] = []

    def look(widget: QWidget) -> None:
        if widget in unfocused and widget.grab().toImage() == unfocused[widget]:
            unmarked.append(spoken_name(widget))

    visited = tab_through(qtbot, chat, look)
    assert set(unfocused) <= set(visited)
    assert unmarked == []


# -- a live switch between light and dark ------------------------------------------------------


@pytest.fixture
def theme(qapp: QApplication) -> Iterator[PaletteSwitch]:
    """Starts in Mosaic's light palette; switches the whole application live."""
    with light_palette_then_back(qapp) as switch:
        yield switch


def pixel(widget: QWidget, x: int, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(x, y)


def close_to(color: QColor, expected: QColor) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(color.getRgb()[:3], expected.getRgb()[:3],
                                                 strict=True))


def role(palette: QPalette, name: QPalette.ColorRole) -> QColor:
    return palette.color(name)


def sheet_color(widget: QWidget) -> QColor:
    """The colour a widget's own ``color: …;`` style sheet gives its text."""
    match = re.search(r"color:\s*(#[0-9a-fA-F]+)", widget.styleSheet())
    assert match, widget.styleSheet()
    return QColor(match.group(1))


def test_the_transcript_repaints_in_the_new_theme(
    qtbot: QtBot, theme: PaletteSwitch, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    chat.view.set_notice(2, "Answered with the model you had loaded then.")
    canvas = chat.view.widget()
    bubble = chat.view.message_widget(1)
    code = chat.window.findChild(CodeBlockWidget)
    light = theme.light
    assert close_to(pixel(canvas, 4, 4), role(light, QPalette.ColorRole.Base))

    dark = theme.to_dark()
    roles = QPalette.ColorRole
    assert close_to(pixel(canvas, 4, 4), role(dark, roles.Base))
    assert close_to(pixel(bubble, bubble.width() // 2, 2), role(dark, roles.AlternateBase))
    view = code.view
    assert close_to(pixel(view, view.width() - 4, view.height() // 2), role(dark, roles.Window))
    # Muted words stay readable: the language of the code, the note above an answer.
    language = code.findChild(QLabel, "codeLanguage")
    notice = chat.view.message_widget(2).findChild(QLabel, "notice")
    assert contrast_over(language.palette().color(language.foregroundRole()),
                    role(dark, roles.Window)) >= 3
    assert contrast_over(notice.palette().color(notice.foregroundRole()),
                    role(dark, roles.Base)) >= 3

    theme.to_light()
    assert close_to(pixel(canvas, 4, 4), role(light, roles.Base))
    assert close_to(pixel(bubble, bubble.width() // 2, 2), role(light, roles.AlternateBase))


def test_status_lines_are_readable_in_either_theme(
    qtbot: QtBot, theme: PaletteSwitch, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    chat.view.set_message_state(2, MessageStatus.ERROR, error="The model stopped answering.")
    line = chat.view.message_widget(2).findChild(QLabel, "statusLine")
    roles = QPalette.ColorRole
    light = theme.light
    assert contrast_over(sheet_color(line), role(light, roles.Base)) >= 4.5
    dark = theme.to_dark()
    on_dark = sheet_color(line)
    assert on_dark != QColor("#b3261e")
    assert contrast_over(on_dark, role(dark, roles.Base)) >= 4.5
    chat.view.set_message_state(2, MessageStatus.COMPLETE)
    assert contrast_over(sheet_color(line), role(dark, roles.Base)) >= 3


def _ink_lightness(icon: QIcon) -> float:
    """The average lightness of a drawn icon's solid strokes."""
    image = icon.pixmap(20, 20).toImage()
    inks = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    solid = [color.lightness() for color in inks if color.alpha() > 200]
    assert solid
    return sum(solid) / len(solid)


def test_the_composer_repaints_in_the_new_theme(
    qtbot: QtBot, theme: PaletteSwitch, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    strip = chat.composer.attachments
    strip.set_token_estimate("≈ 9,000 context tokens", ok=False)
    estimate = strip.findChild(QLabel, "attachmentTokens")
    gone = strip.chips()[1]
    assert not gone.readable
    quick = strip.quick_action_buttons()["Describe"]
    roles = QPalette.ColorRole
    light = theme.light
    assert close_to(pixel(gone.thumbnail, 4, 26), role(light, roles.Midlight))
    dark = theme.to_dark()
    # The drawn paperclip turns light on the dark window (unless the desktop has its own).
    if not QIcon.hasThemeIcon("mail-attachment"):
        assert _ink_lightness(chat.composer.attach_button.icon()) > 150
    assert close_to(pixel(quick, quick.width() // 2, 3), role(dark, roles.Button))
    assert contrast_over(sheet_color(estimate), role(dark, roles.Window)) >= 4.5
    assert close_to(pixel(gone.thumbnail, 4, 26), role(dark, roles.Midlight))
    theme.to_light()
    if not QIcon.hasThemeIcon("mail-attachment"):
        assert _ink_lightness(chat.composer.attach_button.icon()) < 100
    assert contrast_over(sheet_color(estimate), role(light, roles.Window)) >= 4.5


def test_pictures_recordings_links_and_tables_repaint_in_the_new_theme(
    qtbot: QtBot, theme: PaletteSwitch, tmp_path: Path
) -> None:
    chat = open_chat(qtbot, tmp_path)
    question = chat.view.message_widget(1)
    thumbnails = question.images_row.thumbnails()
    gone = thumbnails[1]
    play = question.audio_row.button
    prose = chat.view.message_widget(2).findChild(ProseView)
    roles = QPalette.ColorRole
    dark = theme.to_dark()
    assert close_to(pixel(gone, gone.width() // 2, 4), role(dark, roles.Midlight))
    assert close_to(pixel(play, play.width() - 6, play.height() // 2), role(dark, roles.Button))
    cursor = QTextCursor(prose.document())
    cursor.setPosition(prose.document().find("the guide").selectionStart() + 1)
    assert cursor.charFormat().foreground().color() == role(dark, roles.Link)
    table = next(frame for frame in prose.document().rootFrame().childFrames()
                 if isinstance(frame, QTextTable))
    assert table.format().borderBrush().color() == role(dark, roles.Mid)
    header = table.cellAt(0, 0).format().background().color()
    assert header == role(dark, roles.AlternateBase)
    assert prose.shown_text.startswith("See [the guide]")

