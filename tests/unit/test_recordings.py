"""Recordings of spoken messages: stored as WAV, kept with the message, removed with it."""

from __future__ import annotations

import sqlite3
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.core.messages import Role
from assistant.storage.attachment_store import AttachmentStore
from assistant.storage.chat_repository import ChatRepository
from assistant.storage.database import OpenedDatabase, open_database
from assistant.storage.errors import StorageError
from assistant.storage.migrations import MIGRATIONS, schema_version


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[OpenedDatabase]:
    database = open_database(tmp_path / "chat.sqlite3")
    yield database
    database.connection.close()


@pytest.fixture
def repo(opened: OpenedDatabase, tmp_path: Path) -> ChatRepository:
    return ChatRepository(opened.connection, tmp_path / "attachments")


def tone(seconds: float, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(int(16000 * seconds)) / 16000
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_a_recording_is_a_16_bit_wav_of_the_samples(repo: ChatRepository) -> None:
    samples = tone(1.5)
    recording = repo.attachment_store.add_recording(samples, 16000, "Recording.wav")
    assert recording.duration_s == pytest.approx(1.5)
    with wave.open(recording.path) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        stored = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32767
    assert np.max(np.abs(stored - samples)) < 1e-3
    again = repo.attachment_store.add_recording(samples, 16000, "Again.wav")
    assert again.path == recording.path  # content-addressed


def test_a_spoken_message_keeps_its_recording_across_reopening(
        repo: ChatRepository, opened: OpenedDatabase, tmp_path: Path) -> None:
    chat = repo.create_conversation()
    recording = repo.attachment_store.add_recording(tone(2), 16000, "Recording.wav")
    message = repo.add_message(chat.id, Role.USER, "what is the capital of France",
                               audio=recording)
    assert message.audio == recording
    opened.connection.close()
    reopened = open_database(tmp_path / "chat.sqlite3")
    try:
        fresh = ChatRepository(reopened.connection, tmp_path / "attachments")
        [stored] = fresh.messages(chat.id)
        assert stored.audio == recording
        assert fresh.message(stored.id).audio == recording
        assert recording.sha256 in fresh.referenced_image_hashes()  # kept by the sweep
    finally:
        reopened.connection.close()


def test_recordings_go_when_no_message_keeps_them(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    kept = repo.attachment_store.add_recording(tone(1, 300), 16000, "kept.wav")
    gone = repo.attachment_store.add_recording(tone(1, 500), 16000, "gone.wav")
    repo.add_message(chat.id, Role.USER, "first", audio=kept)
    later = repo.add_message(chat.id, Role.USER, "second", audio=gone)
    repo.delete_messages_from(later.id)  # an edit or regenerate drops the later message
    assert Path(kept.path).is_file() and not Path(gone.path).exists()
    repo.delete_conversation(chat.id)
    assert Path(kept.path).is_file()  # Undo is still possible
    repo.purge_deleted()
    assert not Path(kept.path).exists()


def test_a_recording_deleted_before_sending_is_refused(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    recording = repo.attachment_store.add_recording(tone(1), 16000, "Recording.wav")
    Path(recording.path).unlink()
    with pytest.raises(StorageError, match="recording is no longer available"):
        repo.add_message(chat.id, Role.USER, "hello", audio=recording)
    assert repo.messages(chat.id) == []


def test_a_version_2_database_gains_recordings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(f"BEGIN;\n{MIGRATIONS[0]}\n{MIGRATIONS[1]}\nPRAGMA user_version = 2;\n"
                      "COMMIT;")
    old.close()
    opened = open_database(path)
    try:
        assert schema_version(opened.connection) == 3
        repo = ChatRepository(opened.connection, tmp_path / "attachments")
        chat = repo.create_conversation()
        store: AttachmentStore = repo.attachment_store
        message = repo.add_message(chat.id, Role.USER, "hi",
                                   audio=store.add_recording(tone(1), 16000, "r.wav"))
        assert repo.message(message.id).audio is not None
    finally:
        opened.connection.close()
