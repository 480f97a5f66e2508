"""Durability: SIGKILL the app while it streams; everything the person saw survives."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core.messages import MessageStatus
from assistant.paths import app_paths
from assistant.storage.chat_repository import ChatRepository
from assistant.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Tell me a very long story about the sea."


@pytest.mark.e2e
@pytest.mark.parametrize("acks_before_kill", [3, 40])
def test_kill_while_streaming_loses_nothing_seen(tiny_gguf: Path, mosaic_home: Path,
                                                 acks_before_kill: int) -> None:
    env = dict(os.environ, MOSAIC_HOME=str(mosaic_home), QT_QPA_PLATFORM="offscreen",
               PYTHONUNBUFFERED="1")
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.stream_and_ack", str(tiny_gguf), QUESTION],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last_ack = 0
    acks = 0
    deadline = time.monotonic() + 120
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ACK "):
                last_ack = int(line.split()[1])
                acks += 1
                if acks >= acks_before_kill:
                    break
            assert time.monotonic() < deadline, "the answer never streamed"
        else:
            pytest.fail(f"the app exited before streaming: {child.stderr.read()}")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        # The orphaned engine process notices its parent's pipe closing and exits by itself.

    database = app_paths().database
    raw = sqlite3.connect(database)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()

    repository = ChatRepository(open_database(database).connection)
    [conversation] = repository.conversations()
    user, answer = repository.messages(conversation.id)
    assert user.text == QUESTION
    assert len(answer.text) >= last_ack > 0
    assert answer.status is MessageStatus.INTERRUPTED
