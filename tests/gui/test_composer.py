"""The composer: Enter / Shift+Enter / Esc, the Send / Stop button, growth, empty hint, and
attaching images (button, paste, chips, quick actions, sending images alone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QImage, QTextBlock
from PySide6.QtWidgets import QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from assistant.ui import composer as composer_module
from assistant.ui.composer import (
    EMPTY_HINT,
    IMAGE_FILE_FILTER,
    PLACEHOLDER,
    Composer,
)
from assistant.ui.growing_text_edit import GrowingTextEdit
from tests.gui.test_attachment_widgets import artifact, make_attachment

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform warns whenever a top-level window gets a minimum size.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def composer(qtbot: QtBot) -> Iterator[Composer]:
    widget = Composer()
    widget.resize(600, 400)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def test_enter_sends_the_text_and_keeps_it_until_cleared(
    qtbot: QtBot, composer: Composer
) -> None:
    qtbot.keyClicks(composer.input, "Hello there")
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert signal.args == ["Hello there"]
    assert composer.text() == "Hello there", "the owner clears once it has saved the message"
    composer.clear()
    assert composer.text() == ""


def test_keypad_enter_sends_too(qtbot: QtBot, composer: Composer) -> None:
    composer.set_text("  padded  ")
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.keyClick(composer.input, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert signal.args == ["padded"]


def test_shift_enter_inserts_a_new_line(qtbot: QtBot, composer: Composer) -> None:
    qtbot.keyClicks(composer.input, "line one")
    with qtbot.assertNotEmitted(composer.submitted):
        qtbot.keyClick(composer.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(composer.input, "line two")
    assert composer.text() == "line one\nline two"


def test_send_button_sends(qtbot: QtBot, composer: Composer) -> None:
    composer.set_text("By button")
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.mouseClick(composer.button, Qt.MouseButton.LeftButton)
    assert signal.args == ["By button"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t"])
def test_empty_message_is_not_sent_and_a_hint_shows(
    qtbot: QtBot, composer: Composer, text: str
) -> None:
    composer.set_text(text)
    with qtbot.assertNotEmitted(composer.submitted):
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert composer.hint.isVisible()
    assert composer.hint.text() == EMPTY_HINT == "Type a message first."
    qtbot.keyClicks(composer.input, "x")
    assert not composer.hint.isVisible(), "typing something hides the hint"


def test_hint_goes_away_by_itself(qtbot: QtBot, composer: Composer) -> None:
    composer.submit()
    assert composer.hint.isVisible()
    qtbot.waitUntil(lambda: not composer.hint.isVisible(), timeout=5000)


def test_while_generating_enter_sends_nothing_and_esc_stops(
    qtbot: QtBot, composer: Composer
) -> None:
    composer.set_generating(True)
    assert composer.is_generating()
    assert composer.button.text() == "Stop"
    assert composer.button.accessibleName() == "Stop generating"
    qtbot.keyClicks(composer.input, "next question")
    with qtbot.assertNotEmitted(composer.submitted):
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert composer.text() == "next question"
    assert not composer.hint.isVisible()
    with qtbot.waitSignal(composer.stopRequested):
        qtbot.keyClick(composer.input, Qt.Key.Key_Escape)
    with qtbot.waitSignal(composer.stopRequested), qtbot.assertNotEmitted(composer.submitted):
        qtbot.mouseClick(composer.button, Qt.MouseButton.LeftButton)
    composer.set_generating(False)
    assert composer.button.text() == "Send"
    assert composer.button.accessibleName() == "Send message"
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert signal.args == ["next question"]


def test_escape_when_idle_does_nothing(qtbot: QtBot, composer: Composer) -> None:
    composer.set_text("draft")
    with qtbot.assertNotEmitted(composer.stopRequested):
        qtbot.keyClick(composer.input, Qt.Key.Key_Escape)
    assert composer.text() == "draft"


def test_input_grows_to_eight_lines_then_scrolls(qtbot: QtBot, composer: Composer) -> None:
    box = composer.input
    one_line = box.height()
    assert box.visible_lines() == 1
    composer.set_text("a\nb\nc")
    qtbot.waitUntil(lambda: box.visible_lines() == 3)
    three_lines = box.height()
    assert three_lines > one_line
    composer.set_text("\n".join(str(i) for i in range(30)))
    qtbot.waitUntil(lambda: box.visible_lines() == 8)
    assert box.height() > three_lines
    assert box.verticalScrollBar().maximum() > 0
    line = box.fontMetrics().lineSpacing()
    assert box.height() - one_line == pytest.approx(7 * line, abs=2)
    composer.clear()
    qtbot.waitUntil(lambda: box.height() == one_line)


def test_chinese_lines_fit_without_a_scroll_bar(qtbot: QtBot, composer: Composer) -> None:
    """A line of Chinese (drawn in a taller fallback font) is as fully shown as a Latin one:
    the box grows to the laid-out line, and no scroll bar appears until eight lines."""
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no font for Chinese is installed (Debian: apt install fonts-noto-cjk)")
    box = composer.input
    for text, lines in (("你好，今天天气怎么样？", 1), ("第一行\n第二行\n第三行", 3),
                        ("Latin first\n然后是中文", 2)):
        composer.set_text(text)
        qtbot.waitUntil(lambda lines=lines: box.visible_lines() == lines)
        assert box.verticalScrollBar().maximum() == 0, f"{text!r} scrolls"
        shown = box.viewport().height() - 2 * box.document().documentMargin()
        laid_out = sum(box.blockBoundingRect(block).height()
                       for block in _blocks(box)) - box.document().documentMargin()
        assert laid_out <= shown, f"{text!r} needs {laid_out} px, the box shows {shown}"


def test_the_buttons_line_up_with_the_last_line_of_the_text(
        qtbot: QtBot, composer: Composer) -> None:
    """In one line the attach, microphone and Send buttons sit in the text box's middle; as
    the box grows upwards they stay by its last line."""
    box = composer.input
    for text, lines in (("", 1), ("one\ntwo\nthree", 3)):
        composer.set_text(text)
        qtbot.waitUntil(lambda lines=lines: box.visible_lines() == lines)
        qtbot.wait(10)
        line_middle = box.geometry().bottom() - (box.one_line_height() - 1) / 2
        for button in (composer.attach_button, composer.mic_button, composer.button):
            middle = button.geometry().top() + (button.height() - 1) / 2
            assert middle == pytest.approx(line_middle, abs=1), \
                f"{button.accessibleName()} is {middle - line_middle:+} px off ({lines} lines)"


def _blocks(box: GrowingTextEdit) -> list[QTextBlock]:
    found, block = [], box.document().begin()
    while block.isValid():
        found.append(block)
        block = block.next()
    return found


@pytest.mark.parametrize("placeholder", ["Message Mosaic…", "给 Mosaic 发消息…",
                                         "A placeholder long enough to wrap onto a second "
                                         "line in a box this narrow"])
def test_the_whole_placeholder_is_shown(qtbot: QtBot, placeholder: str) -> None:
    box = GrowingTextEdit(enter_submits=True)
    qtbot.addWidget(box)
    box.resize(220, box.height())
    box.setPlaceholderText(placeholder)
    box.show()
    qtbot.waitExposed(box)
    margin = box.document().documentMargin()
    room = box.viewport().rect().adjusted(margin, margin, -margin, -margin)
    needed = box.fontMetrics().boundingRect(QRect(0, 0, room.width(), 1 << 20),
                                            Qt.TextFlag.TextWordWrap.value, placeholder)
    assert needed.height() <= room.height()


def test_placeholder_accessible_names_and_focus(qtbot: QtBot, composer: Composer) -> None:
    assert composer.input.placeholderText() == PLACEHOLDER == "Message Mosaic…"
    description = composer.input.accessibleDescription()
    assert "Enter" in description and "Shift+Enter" in description, "the keys are told"
    assert composer.input.accessibleName() == "Message"
    assert composer.button.accessibleName() == "Send message"
    composer.activateWindow()
    composer.focus_input()
    qtbot.waitUntil(composer.input.hasFocus)


# -- images --------------------------------------------------------------------------------


def test_attach_button_offers_images_and_reports_the_chosen_files(
    qtbot: QtBot, composer: Composer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    button = composer.attach_button
    assert button.accessibleName() == "Attach images"
    assert button.toolTip() == "Attach images (Ctrl+Shift+A; or drop or paste them)"
    assert not button.icon().isNull()
    chosen = [str(tmp_path / "a.png"), str(tmp_path / "b.jpg")]
    asked: list[QWidget] = []
    monkeypatch.setattr(composer_module, "choose_image_files",
                        lambda parent: (asked.append(parent), chosen)[1])
    with qtbot.waitSignal(composer.filesChosen) as signal:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert signal.args == [chosen]
    assert asked == [composer]
    monkeypatch.setattr(composer_module, "choose_image_files", lambda parent: [])
    with qtbot.assertNotEmitted(composer.filesChosen):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the person cancelled
    assert "*.webp" in IMAGE_FILE_FILTER and "All files (*)" in IMAGE_FILE_FILTER


def _screenshot_mime(*, text: str = "") -> QMimeData:
    mime = QMimeData()
    picture = QImage(64, 48, QImage.Format.Format_RGB32)
    picture.fill(QColor("#2a7"))
    mime.setImageData(picture)
    if text:
        mime.setText(text)
    return mime


def test_ctrl_v_with_a_screenshot_attaches_it_and_types_nothing(
    qtbot: QtBot, composer: Composer
) -> None:
    QGuiApplication.clipboard().setMimeData(_screenshot_mime())
    composer.focus_input()
    with qtbot.waitSignal(composer.imagePasted) as signal:
        qtbot.keyClick(composer.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (image,) = signal.args
    assert (image.width(), image.height()) == (64, 48)
    assert image.pixelColor(3, 3) == QColor("#2a7")
    assert composer.text() == ""


def test_pasting_files_attaches_them_and_text_pastes_as_text(
    qtbot: QtBot, composer: Composer, tmp_path: Path
) -> None:
    box = composer.input
    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(tmp_path / "cat.png")), QUrl("https://example.org/x")])
    files.setText(str(tmp_path / "cat.png"))
    assert box.canInsertFromMimeData(files)
    with qtbot.waitSignal(composer.filesChosen) as signal:
        box.insertFromMimeData(files)
    assert signal.args == [[str(tmp_path / "cat.png")]]
    assert composer.text() == ""

    spreadsheet = _screenshot_mime(text="A1\tB1")  # office apps copy text and its picture
    with qtbot.assertNotEmitted(composer.imagePasted):
        box.insertFromMimeData(spreadsheet)
    assert composer.text() == "A1\tB1"
    words = QMimeData()
    words.setText(" and more")
    with qtbot.assertNotEmitted(composer.imagePasted), \
            qtbot.assertNotEmitted(composer.filesChosen):
        box.insertFromMimeData(words)
    assert composer.text() == "A1\tB1 and more"


def test_the_message_editor_pastes_no_images(qtbot: QtBot) -> None:
    editor = GrowingTextEdit(enter_submits=False)
    qtbot.addWidget(editor)
    with qtbot.assertNotEmitted(editor.imagePasted):
        editor.insertFromMimeData(_screenshot_mime())
    assert not editor.canInsertFromMimeData(_screenshot_mime())
    assert editor.toPlainText() == ""


def test_attached_images_show_above_the_text_and_may_be_sent_alone(
    qtbot: QtBot, composer: Composer, tmp_path: Path
) -> None:
    assert not composer.attachments.isVisible()
    items = [make_attachment(tmp_path, "a.png"), make_attachment(tmp_path, "b.png")]
    composer.attachments.set_attachments(items)
    assert composer.attachments.isVisible()
    assert composer.attachments.y() + composer.attachments.height() <= composer.input.y()
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert signal.args == [""]
    assert not composer.hint.isVisible()
    composer.set_text("  about these  ")
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.mouseClick(composer.button, Qt.MouseButton.LeftButton)
    assert signal.args == ["about these"]
    composer.clear()
    composer.attachments.set_attachments([])
    with qtbot.assertNotEmitted(composer.submitted):
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert composer.hint.text() == EMPTY_HINT


def test_a_quick_action_fills_the_box_without_sending(
    qtbot: QtBot, composer: Composer, tmp_path: Path
) -> None:
    composer.attachments.set_attachments([make_attachment(tmp_path, "sign.png")])
    buttons = composer.attachments.quick_action_buttons()
    composer.activateWindow()
    composer.set_text("something half typed")
    composer.attach_button.setFocus()
    with qtbot.assertNotEmitted(composer.submitted):
        qtbot.mouseClick(buttons["Read the text"], Qt.MouseButton.LeftButton)
        qtbot.wait(10)
    assert composer.text() == "Read all the text in this image and write it out exactly."
    qtbot.waitUntil(composer.input.hasFocus)
    qtbot.keyClicks(composer.input, " Keep the line breaks.")
    with qtbot.waitSignal(composer.submitted) as signal:
        qtbot.keyClick(composer.input, Qt.Key.Key_Return)
    assert signal.args == [
        "Read all the text in this image and write it out exactly. Keep the line breaks."]


def test_many_chips_wrap_into_two_rows_that_scroll(qtbot: QtBot, tmp_path: Path) -> None:
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.addWidget(QPlainTextEdit(), 1)  # the transcript's place
    composer = Composer()
    layout.addWidget(composer)
    host.resize(720, 600)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    strip = composer.attachments
    strip.set_attachments([make_attachment(tmp_path, f"photo-{i}.png") for i in range(3)])
    for width, rows in ((720, 1), (460, 2)):
        host.resize(width, 600)
        qtbot.wait(30)
        chips = strip.chips()
        assert len({chip.y() for chip in chips}) == rows
        lowest = max(chip.mapTo(composer, QPoint(0, chip.height())).y() for chip in chips)
        assert lowest <= composer.input.y(), "every chip shows, above the text box"
        assert composer.geometry().bottom() < host.height()

    strip.set_attachments([make_attachment(tmp_path, f"photo-{i}.png") for i in range(9)])
    qtbot.wait(30)
    chips = strip.chips()
    scroll = strip.findChild(QScrollArea, "attachmentChipScroll")
    two_rows = 2 * chips[0].height() + 6
    assert scroll.height() == two_rows, "more rows scroll instead of pushing the text box up"
    assert scroll.verticalScrollBar().maximum() > 0
    assert composer.geometry().bottom() < host.height()
    scroll.ensureWidgetVisible(chips[-1])
    qtbot.wait(10)
    bottom = chips[-1].mapTo(scroll.viewport(), QPoint(0, chips[-1].height())).y()
    assert 0 < bottom <= scroll.viewport().height(), "the last chip can be scrolled to"


# -- push-to-talk --------------------------------------------------------------------------


def test_mic_button_sits_between_the_text_and_send_and_relays_the_hold(
    qtbot: QtBot, composer: Composer
) -> None:
    mic = composer.mic_button
    assert mic.isVisible()
    assert mic.accessibleName() == "Hold to talk"
    assert mic.toolTip() == "Hold to talk (F9)"
    assert composer.input.geometry().right() < mic.x() < composer.button.x()
    with qtbot.waitSignal(composer.talkStarted), qtbot.assertNotEmitted(composer.talkReleased):
        qtbot.mousePress(mic, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(composer.talkReleased):
        qtbot.mouseRelease(mic, Qt.MouseButton.LeftButton)
    assert composer.text() == "", "talking types nothing by itself"
    composer.set_push_to_talk_key("Ctrl+Shift+M")
    assert mic.toolTip() == "Hold to talk (Ctrl+Shift+M)"


def test_while_recording_the_bar_listens_above_the_text_box(
    qtbot: QtBot, composer: Composer
) -> None:
    bar = composer.recording_bar
    assert not bar.isVisible()
    composer.set_text("a draft that stays")
    composer.set_recording(True)
    assert composer.is_recording() and composer.mic_button.is_recording()
    assert bar.isVisible()
    assert bar.state_text() == "Listening… release to send · Esc to cancel"
    qtbot.waitUntil(lambda: bar.y() + bar.height() <= composer.input.y())
    bar.set_level(0.55)
    bar.set_elapsed(3.4)
    assert bar.elapsed_text() == "0:03"
    composer.set_recording(False)
    assert not bar.isVisible(), "cancelled or failed: the bar goes"
    assert not composer.mic_button.is_recording()

    composer.set_recording(True, sends=False)
    assert "release to stop" in bar.state_text()
    composer.set_recording(False)
    bar.show_transcribing()
    composer.set_recording(False)
    assert bar.isVisible() and bar.state_text() == "Transcribing…", "transcribing stays"
    bar.hide_bar()
    assert composer.text() == "a draft that stays"


def test_ending_a_recording_forgets_a_hold_still_in_progress(
    qtbot: QtBot, composer: Composer
) -> None:
    mic = composer.mic_button
    with qtbot.waitSignal(composer.talkStarted):
        qtbot.mousePress(mic, Qt.MouseButton.LeftButton)
    composer.set_recording(True)
    composer.set_recording(False)  # Esc cancelled while the mouse is still down
    with qtbot.assertNotEmitted(composer.talkReleased):
        qtbot.mouseRelease(mic, Qt.MouseButton.LeftButton)


def test_a_short_tap_explains_how_to_talk(qtbot: QtBot, composer: Composer) -> None:
    composer.set_push_to_talk_key("Ctrl+Shift+M")
    composer.show_tap_hint()
    assert composer.hint.isVisible()
    assert composer.hint.text() == (
        "Hold the microphone button (or Ctrl+Shift+M) while you speak, then let go.")
    with qtbot.assertNotEmitted(composer.submitted):
        composer.submit()  # nothing typed: the usual hint replaces it
    assert composer.hint.text() == EMPTY_HINT
    composer.set_recording(True)
    assert not composer.hint.isVisible()
    composer.set_recording(False)


def test_screenshot_of_the_composer_while_listening(qtbot: QtBot) -> None:
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.addWidget(QPlainTextEdit(), 1)
    composer = Composer()
    layout.addWidget(composer)
    host.resize(720, 320)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    composer.set_recording(True)
    composer.recording_bar.set_level(0.62)
    composer.recording_bar.set_elapsed(3.2)
    qtbot.wait(30)
    bar = composer.recording_bar
    assert bar.geometry().bottom() < composer.input.y()
    assert composer.geometry().bottom() < host.height()
    assert composer.grab().save(artifact("composer_listening.png"))
    composer.set_recording(False)
    bar.show_progress(0.42)
    qtbot.wait(10)
    assert composer.grab().save(artifact("composer_transcribing.png"))
