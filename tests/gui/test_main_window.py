"""The real main window with the real engine (a tiny synthetic llama model): what a person
does — send, watch it stream, stop, regenerate, edit, switch, search, restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.messages import MessageStatus, Role
from assistant.ui.conversation_sidebar import ID_ROLE
from assistant.ui.main_window import MainWindow
from tests.gui.conftest import (
    ANSWER_TIMEOUT_MS,
    configure,
    load_from_panel,
    open_window,
    stored,
    type_and_send,
)

pytestmark = pytest.mark.gui


def test_send_streams_an_answer_and_keeps_it(qtbot: QtBot, chat_window: MainWindow) -> None:
    chunks: list[str] = []
    chat_window.services.engine.tokensArrived.connect(
        lambda _rid, text: chunks.append(text))  # same-thread signal: GUI → GUI
    type_and_send(qtbot, chat_window, "Hello there, who are you?")
    user, answer = stored(chat_window)
    assert (user.role, user.text) == (Role.USER, "Hello there, who are you?")
    assert answer.role is Role.ASSISTANT and answer.status is MessageStatus.COMPLETE
    assert answer.text and "".join(chunks) == answer.text
    assert chat_window.message_view.message_text(answer.id) == answer.text
    assert answer.timings is not None and answer.timings.generated_tokens > 1
    assert chat_window.composer.text() == ""
    # the first message titles the conversation
    assert chat_window.services.repository.conversation(user.conversation_id).title.startswith(
        "Hello there")


def test_shift_enter_is_a_newline_not_a_send(qtbot: QtBot, chat_window: MainWindow) -> None:
    box = chat_window.composer.input
    qtbot.keyClicks(box, "line one")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "line two")
    assert chat_window.composer.text() == "line one\nline two"
    assert chat_window.conversations.current_id is None or not stored(chat_window)


def test_stop_keeps_the_partial_answer(qtbot: QtBot, chat_window: MainWindow) -> None:
    configure(chat_window, max_tokens=4000)
    engine = chat_window.services.engine
    box = chat_window.composer.input
    qtbot.keyClicks(box, "Tell me everything.")
    with qtbot.waitSignal(engine.tokensArrived, timeout=ANSWER_TIMEOUT_MS):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    with qtbot.waitSignal(engine.generationFinished, timeout=5_000):
        qtbot.keyClick(box, Qt.Key.Key_Escape)
    _user, answer = stored(chat_window)
    assert answer.status is MessageStatus.STOPPED
    assert answer.text and chat_window.message_view.message_text(answer.id) == answer.text
    assert answer.timings is not None and answer.timings.generated_tokens < 4000
    assert not chat_window.composer.is_generating()


def test_regenerate_replaces_the_last_answer(qtbot: QtBot, chat_window: MainWindow) -> None:
    type_and_send(qtbot, chat_window, "Say something.")
    _user, first = stored(chat_window)
    with qtbot.waitSignal(chat_window.services.engine.generationFinished,
                          timeout=ANSWER_TIMEOUT_MS):
        chat_window.message_view.regenerateRequested.emit(first.id)
    _user, second = stored(chat_window)
    assert second.id != first.id and second.status is MessageStatus.COMPLETE
    assert second.text == first.text  # greedy: the same question gives the same answer
    assert chat_window.services.repository.message(first.id) is None


def test_edit_and_resend_answers_the_new_text(qtbot: QtBot, chat_window: MainWindow) -> None:
    type_and_send(qtbot, chat_window, "First question.")
    type_and_send(qtbot, chat_window, "Second question.")
    first_user = stored(chat_window)[0]
    with qtbot.waitSignal(chat_window.services.engine.generationFinished,
                          timeout=ANSWER_TIMEOUT_MS):
        chat_window.message_view.editSubmitted.emit(first_user.id, "A better question.")
    messages = stored(chat_window)
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert messages[0].text == "A better question."
    assert messages[1].status is MessageStatus.COMPLETE
    assert chat_window.message_view.message_text(messages[0].id) == "A better question."


def test_conversations_switch_search_and_survive_a_restart(
        qtbot: QtBot, chat_window: MainWindow, model_in_folder: Path) -> None:
    type_and_send(qtbot, chat_window, "Tell me about lighthouses.")
    first_id = chat_window.conversations.current_id
    with qtbot.waitActive(chat_window):
        chat_window.activateWindow()
    qtbot.keyClick(chat_window.composer.input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    second_id = chat_window.conversations.current_id
    assert second_id != first_id
    type_and_send(qtbot, chat_window, "Tell me about volcanoes.")
    repo = chat_window.services.repository
    assert [c.id for c in repo.conversations()][:2] == [second_id, first_id]

    chat_window.sidebar.conversationSelected.emit(first_id)
    first_messages = repo.messages(first_id)
    assert chat_window.message_view.message_text(first_messages[0].id) == \
        "Tell me about lighthouses."

    sidebar = chat_window.sidebar
    qtbot.keyClicks(sidebar.search_field, "volcan")  # search as you type: a prefix is enough

    def shown_conversations() -> set[int]:
        rows = [sidebar.list_widget.item(i) for i in range(sidebar.list_widget.count())]
        return {int(row.data(ID_ROLE)) for row in rows}

    qtbot.waitUntil(lambda: shown_conversations() == {second_id}, timeout=5_000)
    sidebar.clear_search()
    qtbot.waitUntil(lambda: shown_conversations() == {first_id, second_id}, timeout=5_000)

    answers = {m.id: m.text for m in repo.messages(second_id)}
    chat_window.close()
    reopened = open_window(qtbot)
    titles = [c.title for c in reopened.services.repository.conversations()]
    assert titles[:2] == ["Tell me about volcanoes.", "Tell me about lighthouses."]
    for message_id, text in answers.items():
        assert reopened.message_view.message_text(message_id) == text


def test_sending_without_a_model_says_what_to_do_and_keeps_the_text(
        qtbot: QtBot, model_in_folder: Path) -> None:
    window = open_window(qtbot)
    qtbot.keyClicks(window.composer.input, "Is anybody there?")
    qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    assert "Load a model first" in window.notice_bar.text()
    assert window.composer.text() == "Is anybody there?"
    assert window.conversations.current_id is None


def test_long_history_is_fitted_and_the_person_is_told(qtbot: QtBot,
                                                       model_in_folder: Path) -> None:
    window = open_window(qtbot)
    configure(window, max_tokens=8, n_ctx=256)
    load_from_panel(qtbot, window, model_in_folder)
    long_text = "the lighthouse keeper wrote about the sea and the ships " * 6
    for turn in range(5):
        type_and_send(qtbot, window, f"{turn}: {long_text}")
    answer = stored(window)[-1]
    assert answer.status is MessageStatus.COMPLETE
    assert "left out to fit" in window.message_view.notice_text(answer.id)


def test_the_status_bar_shows_only_while_there_are_downloads(qtbot: QtBot) -> None:
    from assistant.models.catalog import ModelKind
    from assistant.models.download_jobs import DownloadJob, JobState

    window = open_window(qtbot)
    assert not window.statusBar().isVisible()  # no empty strip under the window
    job = DownloadJob("x", "Some model", ModelKind.CHAT, ("/m/x.gguf",), 100,
                      JobState.RUNNING, done_bytes=45)
    window.downloads_indicator.set_jobs([job])
    assert window.statusBar().isVisible()
    assert window.downloads_indicator.text() == "Downloading 1 model · 45 %"
    window.downloads_indicator.set_jobs([])
    assert not window.statusBar().isVisible()
