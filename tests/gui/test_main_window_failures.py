"""The window under failure: a killed engine, a damaged database, bad model files, undo."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.core.messages import MessageStatus
from assistant.core.protocol import EngineReady
from assistant.paths import AppPaths
from assistant.ui.main_window import MainWindow
from tests.gui.conftest import (
    ANSWER_TIMEOUT_MS,
    configure,
    load_from_panel,
    open_window,
    stored,
    type_and_send,
)
from tests.support.synthetic_gguf import write_not_gguf, write_tiny_llama, write_truncated_copy

pytestmark = pytest.mark.gui


def test_engine_killed_mid_answer_window_survives_and_recovers(
        qtbot: QtBot, model_in_folder: Path) -> None:
    window = open_window(qtbot)
    configure(window, max_tokens=4000)
    engine = window.services.engine
    with qtbot.waitSignal(engine.ready, timeout=60_000) as ready:
        load_from_panel(qtbot, window, model_in_folder)
    first_engine: EngineReady = ready.args[0]
    qtbot.keyClicks(window.composer.input, "Write a long answer.")
    with qtbot.waitSignal(engine.tokensArrived, timeout=ANSWER_TIMEOUT_MS):
        window.composer.submit()
    with qtbot.waitSignal(engine.engineCrashed, timeout=10_000) as crashed:
        os.kill(first_engine.pid, signal.SIGKILL)  # what the out-of-memory killer does
    assert "signal 9" in crashed.args[0] or "killed" in crashed.args[0]
    assert crashed.args[0] in window.notice_bar.text()
    user, answer = stored(window)
    assert answer.status is MessageStatus.ERROR and answer.error
    assert answer.text  # what streamed before the crash is kept
    assert window.message_view.message_text(answer.id) == answer.text
    # the next message starts a fresh engine, re-loads the model and is answered
    configure(window, max_tokens=8)
    type_and_send(qtbot, window, "Are you back?")
    assert stored(window)[-1].status is MessageStatus.COMPLETE
    assert user.text == "Write a long answer."


def test_damaged_database_is_quarantined_and_said(qtbot: QtBot, paths: AppPaths) -> None:
    paths.database.write_bytes(b"this is not a database" * 100)
    window = open_window(qtbot)
    notice = window.notice_bar.text()
    assert "damaged" in notice and ".corrupt-" in notice
    assert window.services.repository.conversations() == []
    assert any(p.name.startswith(paths.database.name + ".corrupt-")
               for p in paths.database.parent.iterdir())


@pytest.mark.parametrize("kind", ["not_gguf", "truncated"])
def test_bad_model_file_is_explained_and_not_loaded(qtbot: QtBot, paths: AppPaths,
                                                    tiny_gguf: Path, kind: str) -> None:
    bad = paths.models_dir / "broken.gguf"
    if kind == "not_gguf":
        write_not_gguf(bad)
        expected = "not a GGUF model file"
    else:
        write_truncated_copy(tiny_gguf, bad, 0.5)
        expected = "incomplete"
    window = open_window(qtbot)
    qtbot.waitUntil(lambda: expected in window.model_panel.details_text(), timeout=10_000)
    with qtbot.waitSignal(window.services.engine.requestFailed, timeout=60_000) as failed:
        window.start_engine()
        window.models.load(str(bad))
    assert expected in failed.args[0].message
    assert expected in window.notice_bar.text()
    assert window.services.engine.loaded_model is None


def test_delete_offers_undo_and_undo_restores(qtbot: QtBot, chat_window: MainWindow) -> None:
    type_and_send(qtbot, chat_window, "Remember this.")
    repo = chat_window.services.repository
    [conversation] = repo.conversations()
    chat_window.sidebar.deleteRequested.emit(conversation.id)
    assert repo.conversations() == []
    assert "Deleted" in chat_window.notice_bar.text()
    chat_window.notice_bar.undoRequested.emit()
    assert [c.id for c in repo.conversations()] == [conversation.id]
    assert chat_window.conversations.current_id == conversation.id
    assert stored(chat_window)[0].text == "Remember this."


def test_a_model_llama_cpp_refuses_after_another_was_loaded_leaves_none_loaded(
        qtbot: QtBot, chat_window: MainWindow, paths: AppPaths) -> None:
    # The header is fine, so the engine frees the loaded model before llama.cpp refuses this.
    alien = write_tiny_llama(paths.models_dir / "alien.gguf", architecture="alienformer")
    engine = chat_window.services.engine
    assert engine.loaded_model is not None
    with qtbot.waitSignal(engine.requestFailed, timeout=60_000) as failed:
        chat_window.models.load(str(alien))
    assert "alienformer" in failed.args[0].message
    assert engine.loaded_model is None
    assert chat_window.model_panel.status_text() == "No model loaded"
    chat_window.composer.set_text("Hello?")
    chat_window.composer.submit()
    assert "Load a model first" in chat_window.notice_bar.text()
