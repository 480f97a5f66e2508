"""The recordings spoken messages were transcribed from: their rows, next to the messages.

A recording is a 16 kHz mono WAV stored content-addressed by ``AttachmentStore``; the
``recordings`` table describes each file once and ``message_recordings`` gives a message its
recording. These helpers run inside ``ChatRepository``'s transactions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from assistant.core.attachments import AudioAttachment

REFERENCED_RECORDINGS = "SELECT sha256 FROM message_recordings"


def insert_recording(db: sqlite3.Connection, message_id: int, recording: AudioAttachment,
                     stored_name: str, byte_size: int, now: float) -> None:
    db.execute(
        "INSERT OR IGNORE INTO recordings (sha256, stored_name, byte_size, duration_s, "
        "created_at) VALUES (?, ?, ?, ?, ?)",
        (recording.sha256, stored_name, byte_size, recording.duration_s, now))
    db.execute("INSERT INTO message_recordings (message_id, sha256, name) VALUES (?, ?, ?)",
               (message_id, recording.sha256, recording.name))


def recordings_of(db: sqlite3.Connection, root: Path, where: str,
                  params: tuple[Any, ...]) -> dict[int, AudioAttachment]:
    """The recordings of the messages ``where`` selects (``mr`` is message_recordings)."""
    rows = db.execute(
        "SELECT mr.message_id, mr.sha256, mr.name, r.stored_name, r.duration_s "
        f"FROM message_recordings AS mr JOIN recordings AS r ON r.sha256 = mr.sha256 {where}",
        params).fetchall()
    return {message_id: AudioAttachment(sha256, str(root / stored_name), name, duration_s)
            for message_id, sha256, name, stored_name, duration_s in rows}


def forget_unreferenced_recordings(db: sqlite3.Connection) -> list[str]:
    """Delete the rows of recordings no message has any more; return their sha256."""
    rows = db.execute(
        f"SELECT sha256 FROM recordings WHERE sha256 NOT IN ({REFERENCED_RECORDINGS})"
    ).fetchall()
    if rows:
        db.execute(f"DELETE FROM recordings WHERE sha256 NOT IN ({REFERENCED_RECORDINGS})")
    return [sha256 for (sha256,) in rows]
