"""Killing the app while an answer streams loses nothing that was committed."""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from assistant.core.messages import MessageStatus, Role
from assistant.storage.chat_repository import ChatRepository
from assistant.storage.database import open_database

WRITER = Path(__file__).with_name("storage_writer.py")
REPO_ROOT = Path(__file__).resolve().parents[2]


def load_writer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("storage_writer", WRITER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")
@pytest.mark.parametrize(
    ("acks_before_kill", "extra_delay_s"),
    [(40, 0.0), (250, 0.002), (600, 0.015)],
    ids=["early", "middle", "late"],
)
def test_sigkill_while_streaming_keeps_every_acknowledged_update(
    tmp_path: Path, acks_before_kill: int, extra_delay_s: float
) -> None:
    writer = load_writer()
    database = tmp_path / "chat.sqlite3"
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(database)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    last_ack = 0
    try:
        assert child.stdout is not None
        ready = child.stdout.readline().split()
        assert ready[:1] == ["READY"], child.stderr.read() if child.stderr else ready
        conversation_id, answer_id = int(ready[1]), int(ready[2])
        for _ in range(acks_before_kill):
            word, length = child.stdout.readline().split()
            assert word == "ACK"
            last_ack = int(length)
        if extra_delay_s:
            time.sleep(extra_delay_s)
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL  # killed mid-stream, not finished
    # Every ACK the child printed, even those read after the kill, followed a commit.
    for line in rest.splitlines():
        word, _, length = line.partition(" ")
        if word == "ACK" and length.isdigit():
            last_ack = max(last_ack, int(length))

    reopened = open_database(database)
    try:
        connection = reopened.connection
        assert reopened.quarantined is None
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        repo = ChatRepository(connection)
        user, answer = repo.messages(conversation_id)
        assert (user.role, user.text, user.status) == (
            Role.USER, writer.USER_TEXT, MessageStatus.COMPLETE)
        assert answer.id == answer_id and answer.role is Role.ASSISTANT
        assert answer.status is MessageStatus.INTERRUPTED
        assert len(answer.text) >= last_ack > 0
        assert answer.text == writer.answer_text(len(answer.text.split()))  # a clean prefix
        pieces = len(answer.text.split())
        assert [hit.message_id for hit in repo.search(f"w{pieces - 1}")] == [answer_id]
    finally:
        reopened.connection.close()
