"""The conversation sidebar: listing, selecting, searching, renaming, deleting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from assistant.ui.conversation_item_delegate import (
    MESSAGE_ROLE,
    SNIPPET_ROLE,
    relative_time,
    snippet_html,
)
from assistant.ui.conversation_sidebar import ConversationSidebar

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class Conv:
    id: int
    title: str
    updated_at: float


@dataclass(frozen=True)
class Hit:
    conversation_id: int
    conversation_title: str
    message_id: int | None
    snippet: str


AGES_S = [(1, "Trip plans for Lisbon in the spring", 3 * 86400),
           (2, "Sourdough starter troubleshooting", 20),
           (3, "Explain Rust lifetimes like I'm five", 5 * 60),
           (4, "Birthday gift ideas", 26 * 3600),
           (5, "", 2 * 3600),
           (6, "Regex for ISO dates", 40 * 86400),
           (7, "Tax questions <2024>", 400 * 86400),
           (8, "Summarise the meeting notes", 50 * 60)]


def conversations() -> list[Conv]:
    """The sample conversations, aged from now (a slow run must not turn "just now" into
    "1 min ago")."""
    now = time.time()
    return [Conv(cid, title, now - age) for cid, title, age in AGES_S]


@pytest.fixture
def sidebar(qtbot) -> Iterator[ConversationSidebar]:
    widget = ConversationSidebar()
    widget.resize(280, 520)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def row_ids(sidebar: ConversationSidebar) -> list[int]:
    view = sidebar.list_widget
    return [view.item(row).data(Qt.ItemDataRole.UserRole) for row in range(view.count())]


def click_row(qtbot, sidebar: ConversationSidebar, row: int) -> None:
    view = sidebar.list_widget
    rect = view.visualItemRect(view.item(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_relative_time_reads_naturally() -> None:
    now = datetime(2025, 3, 14, 15, 0).timestamp()
    assert relative_time(now - 5, now) == "just now"
    assert relative_time(now + 30, now) == "just now"  # a clock that ran ahead
    assert relative_time(now - 5 * 60, now) == "5 min ago"
    assert relative_time(now - 3 * 3600, now) == "3 h ago"
    assert relative_time(datetime(2025, 3, 13, 23, 0).timestamp(), now) == "yesterday"
    assert relative_time(datetime(2025, 3, 10, 9, 0).timestamp(), now) == "Monday"
    assert relative_time(datetime(2025, 1, 2, 9, 0).timestamp(), now) == "2 Jan"
    assert relative_time(datetime(2023, 12, 24, 9, 0).timestamp(), now) == "24 Dec 2023"


def test_snippet_markup_is_escaped_before_bolding() -> None:
    assert snippet_html("a <script>[tag]</script> & [b]") == \
        "a &lt;script&gt;<b>tag</b>&lt;/script&gt; &amp; <b>b</b>"
    assert snippet_html("unbalanced [bracket and text") == "unbalanced [bracket and text"
    assert snippet_html("a ] b [c]") == "a ] b <b>c</b>"
    assert snippet_html("two\nlines") == "two lines"


def test_lists_newest_first_with_the_current_one_selected(qtbot, sidebar) -> None:
    with qtbot.assertNotEmitted(sidebar.conversationSelected):
        sidebar.set_conversations(conversations(), current_id=3)
    assert row_ids(sidebar) == [2, 3, 8, 5, 4, 1, 6, 7]
    assert sidebar.current_id() == 3
    assert sidebar.list_widget.currentItem().text() == "Explain Rust lifetimes like I'm five"
    assert sidebar.list_widget.item(3).text() == "Untitled chat"
    spoken = sidebar.list_widget.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Sourdough starter troubleshooting, just now"
    assert sidebar.list_widget.accessibleName() == "Conversations"
    assert sidebar.search_field.placeholderText() == "Search chats"
    assert sidebar.search_field.isClearButtonEnabled()


def test_clicking_and_arrow_keys_select(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=2)
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        click_row(qtbot, sidebar, 2)
    assert blocker.args == [8]
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        qtbot.keyClick(sidebar.list_widget, Qt.Key.Key_Down)
    assert blocker.args == [5]
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        qtbot.keyClick(sidebar.list_widget, Qt.Key.Key_Up)
    assert blocker.args == [8]
    assert sidebar.current_id() == 8


def test_select_emits_only_when_the_selection_changes(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=2)
    with qtbot.assertNotEmitted(sidebar.conversationSelected):
        sidebar.select(2)
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        sidebar.select(6)
    assert blocker.args == [6]
    assert sidebar.list_widget.currentItem().data(Qt.ItemDataRole.UserRole) == 6


def test_new_chat_button(qtbot, sidebar) -> None:
    assert "Ctrl+N" in sidebar.new_button.toolTip()
    with qtbot.waitSignal(sidebar.newRequested, timeout=1000):
        qtbot.mouseClick(sidebar.new_button, Qt.MouseButton.LeftButton)


def test_search_is_debounced_and_shows_hits(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=2)
    queries: list[str] = []
    sidebar.searchChanged.connect(queries.append)
    started = time.monotonic()
    with qtbot.waitSignal(sidebar.searchChanged, timeout=2000):
        qtbot.keyClicks(sidebar.search_field, "lisbon")
    assert time.monotonic() - started >= 0.15
    qtbot.wait(300)
    assert queries == ["lisbon"]  # one request for the whole word, not one per key

    hits = [Hit(1, "Trip plans for Lisbon in the spring", 41, "flights to [Lisbon] in May"),
            Hit(6, "Regex for ISO dates", None, "match [Lisbon] <dates>")]
    sidebar.set_search_results(hits)
    view = sidebar.list_widget
    assert row_ids(sidebar) == [1, 6]
    assert view.item(0).data(SNIPPET_ROLE) == "flights to [Lisbon] in May"
    assert view.item(0).data(MESSAGE_ROLE) == 41

    focused: list[tuple[int, int]] = []
    sidebar.messageFocusRequested.connect(lambda c, m: focused.append((c, m)))
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        click_row(qtbot, sidebar, 0)
    assert blocker.args == [1]
    assert focused == [(1, 41)]
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        click_row(qtbot, sidebar, 1)
    assert blocker.args == [6]
    assert focused == [(1, 41)]  # that hit names no message

    with qtbot.waitSignal(sidebar.searchChanged, timeout=1000) as blocker:
        sidebar.search_field.clear()
    assert blocker.args == [""]
    assert row_ids(sidebar) == [2, 3, 8, 5, 4, 1, 6, 7]
    assert sidebar.list_widget.currentItem().data(Qt.ItemDataRole.UserRole) == 6


def test_results_after_the_search_was_cleared_are_ignored(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=2)
    sidebar.set_search_results([Hit(1, "Trip", 1, "[trip]")])
    assert row_ids(sidebar) == [2, 3, 8, 5, 4, 1, 6, 7]


def test_no_hits_and_no_chats_say_so(qtbot, sidebar) -> None:
    sidebar.set_conversations([], current_id=None)
    assert not sidebar.list_widget.isVisible()
    assert sidebar._empty.isVisible()
    assert "No chats yet" in sidebar._empty.text()
    sidebar.set_conversations(conversations(), current_id=None)
    assert sidebar.list_widget.isVisible()
    sidebar.search_field.setText("zebra")
    sidebar.set_search_results([])
    assert sidebar._empty.text() == "No chats match “zebra”."
    assert sidebar._empty.isVisible()


def test_a_new_list_during_a_search_drops_hits_of_deleted_chats(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=2)
    sidebar.search_field.setText("the")
    sidebar.set_search_results([Hit(1, "Trip", 3, "[the] trip"), Hit(8, "Notes", 9, "[the]")])
    remaining = [c for c in conversations() if c.id != 1]
    sidebar.set_conversations(remaining, current_id=2)
    assert row_ids(sidebar) == [8]
    assert sidebar.list_widget.item(0).text() == "Summarise the meeting notes"


def test_search_field_keys(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=None)
    sidebar.search_field.setText("x")
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Escape)
    assert sidebar.search_field.text() == ""
    with qtbot.waitSignal(sidebar.conversationSelected, timeout=1000) as blocker:
        qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Down)
    assert blocker.args == [2]


def open_editor(qtbot, sidebar: ConversationSidebar) -> QLineEdit:
    view = sidebar.list_widget
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit) and editor.isVisible()
    return editor


def test_f2_renames_inline(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=3)
    editor = open_editor(qtbot, sidebar)
    assert editor.text() == "Explain Rust lifetimes like I'm five"
    editor.setText("  Rust   lifetimes ")
    with qtbot.waitSignal(sidebar.renameRequested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [3, "Rust lifetimes"]
    # The row keeps its title until the window sends the renamed list.
    assert sidebar.list_widget.currentItem().text() == "Explain Rust lifetimes like I'm five"


def finish_edit(qtbot, sidebar: ConversationSidebar, editor: QLineEdit, key: Qt.Key) -> None:
    """Press ``key`` in the editor and let the (queued) commit and close happen."""
    qtbot.keyClick(editor, key)
    qtbot.waitUntil(
        lambda: sidebar.list_widget.state() != QAbstractItemView.State.EditingState,
        timeout=1000)


def test_blank_unchanged_or_cancelled_renames_are_not_emitted(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=3)
    with qtbot.assertNotEmitted(sidebar.renameRequested, wait=50):
        editor = open_editor(qtbot, sidebar)
        editor.setText("   ")
        finish_edit(qtbot, sidebar, editor, Qt.Key.Key_Return)
        editor = open_editor(qtbot, sidebar)
        finish_edit(qtbot, sidebar, editor, Qt.Key.Key_Return)
        editor = open_editor(qtbot, sidebar)
        editor.setText("Something else")
        finish_edit(qtbot, sidebar, editor, Qt.Key.Key_Escape)


def test_a_list_arriving_during_a_rename_waits_for_it(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=3)
    editor = open_editor(qtbot, sidebar)
    editor.setText("Lifetimes")
    newer = [*conversations(), Conv(9, "A brand new chat", time.time())]
    sidebar.set_conversations(newer, current_id=3)
    assert editor.isVisible() and editor.text() == "Lifetimes"
    assert 9 not in row_ids(sidebar)
    with qtbot.waitSignal(sidebar.renameRequested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [3, "Lifetimes"]
    qtbot.waitUntil(lambda: 9 in row_ids(sidebar), timeout=1000)
    assert row_ids(sidebar)[0] == 9
    assert sidebar.current_id() == 3


def test_delete_key_requests_deletion_without_asking(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=4)
    with qtbot.waitSignal(sidebar.deleteRequested, timeout=1000) as blocker:
        qtbot.keyClick(sidebar.list_widget, Qt.Key.Key_Delete)
    assert blocker.args == [4]
    assert QApplication.activeModalWidget() is None


def test_context_menu_actions(qtbot, sidebar) -> None:
    sidebar.set_conversations(conversations(), current_id=4)
    menu = sidebar.context_menu(6)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == ["Rename…", "Edit system prompt…", "Delete"]
    with qtbot.waitSignal(sidebar.systemPromptRequested, timeout=1000) as blocker:
        actions["Edit system prompt…"].trigger()
    assert blocker.args == [6]
    with qtbot.waitSignal(sidebar.deleteRequested, timeout=1000) as blocker:
        actions["Delete"].trigger()
    assert blocker.args == [6]
    actions["Rename…"].trigger()
    view = sidebar.list_widget
    editor = view.indexWidget(view.indexFromItem(view.item(6)))
    assert isinstance(editor, QLineEdit) and editor.text() == "Regex for ISO dates"
    editor.setText("ISO date regex")
    with qtbot.waitSignal(sidebar.renameRequested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [6, "ISO date regex"]


def test_right_click_opens_the_menu_of_the_row_under_the_pointer(qtbot, sidebar,
                                                                monkeypatch) -> None:
    sidebar.set_conversations(conversations(), current_id=2)
    shown: list[tuple[int, QPoint]] = []

    class FakeMenu:
        def __init__(self, conversation_id: int) -> None:
            self.conversation_id = conversation_id

        def exec(self, pos: QPoint) -> None:
            shown.append((self.conversation_id, pos))

        def deleteLater(self) -> None:
            pass

    monkeypatch.setattr(sidebar, "context_menu", FakeMenu)
    view = sidebar.list_widget
    pos = view.visualItemRect(view.item(1)).center()
    view.customContextMenuRequested.emit(pos)
    assert shown == [(3, view.viewport().mapToGlobal(pos))]


def test_screenshots(qtbot, sidebar) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    sidebar.set_conversations(conversations(), current_id=3)
    qtbot.wait(20)
    sidebar.grab().save(str(ARTIFACTS / "sidebar_list.png"))
    sidebar.search_field.setText("lisbon")
    sidebar.set_search_results([
        Hit(1, "Trip plans for Lisbon in the spring", 41,
            "… cheap flights to [Lisbon] in May, and a day trip to Sintra if the weather …"),
        Hit(1, "Trip plans for Lisbon in the spring", 44, "… trams in [Lisbon] <tram 28> …"),
        Hit(6, "Regex for ISO dates", None, "[Lisbon]"),
    ])
    qtbot.wait(20)
    sidebar.grab().save(str(ARTIFACTS / "sidebar_search.png"))
    assert sidebar.list_widget.count() == 3
