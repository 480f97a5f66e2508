"""The composer: Enter / Shift+Enter / Esc, the Send / Stop button, growth, empty hint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.ui.composer import EMPTY_HINT, PLACEHOLDER, Composer

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


def test_placeholder_accessible_names_and_focus(qtbot: QtBot, composer: Composer) -> None:
    assert composer.input.placeholderText() == PLACEHOLDER
    assert PLACEHOLDER.startswith("Message Mosaic")
    assert composer.input.accessibleName() == "Message"
    assert composer.button.accessibleName() == "Send message"
    composer.activateWindow()
    composer.focus_input()
    qtbot.waitUntil(composer.input.hasFocus)
