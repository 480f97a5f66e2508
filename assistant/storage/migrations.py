"""Numbered schema migrations, applied in order and tracked by ``PRAGMA user_version``.

``MIGRATIONS[n - 1]`` turns a version ``n - 1`` database into version ``n``. A migration is
history: once released it is never edited; a schema change is a new entry at the end.
Each one runs in a single transaction together with its ``user_version`` bump, so a crash
leaves the database at the previous version or at the new one, never in between.

Full-text search: ``conversations_fts`` and ``messages_fts`` are external-content FTS5
tables (the text lives once, in ``conversations`` and ``messages``) kept in sync by
triggers. Messages are indexed only once they stop streaming, so the per-frame
``UPDATE`` of a streaming answer never touches the index; the status change that ends the
stream (``complete``, ``stopped``, ``error``, or ``interrupted`` on the next start)
indexes the final text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.storage.errors import StorageError, describe_sqlite_error, is_corruption

_MIGRATION_1 = """
CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    title         TEXT    NOT NULL,
    system_prompt TEXT    NOT NULL DEFAULT '',
    model_path    TEXT,
    created_at    REAL    NOT NULL,
    updated_at    REAL    NOT NULL,
    deleted_at    REAL
);
CREATE INDEX conversations_live_by_update
    ON conversations (updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX conversations_deleted
    ON conversations (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role             TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    text             TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL CHECK (status IN
                         ('streaming', 'complete', 'stopped', 'interrupted', 'error')),
    model            TEXT,
    created_at       REAL    NOT NULL,
    prompt_tokens    INTEGER,
    reused_tokens    INTEGER,
    generated_tokens INTEGER,
    ttft_s           REAL,
    generation_s     REAL,
    error            TEXT
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';

CREATE VIRTUAL TABLE conversations_fts USING fts5 (
    title, content = 'conversations', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text, content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER conversations_fts_after_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_fts_after_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_fts_after_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.id, old.title);
    INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages
WHEN new.status != 'streaming' BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages
WHEN old.status != 'streaming' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF text, status ON messages
WHEN old.status != 'streaming' OR new.status != 'streaming' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text)
        SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
    INSERT INTO messages_fts (rowid, text)
        SELECT new.id, new.text WHERE new.status != 'streaming';
END;
"""

# Attached images: one ``attachments`` row per stored file (content-addressed by sha256,
# ``stored_name`` relative to the attachments folder), shared by every message that
# carries it; ``message_attachments`` keeps each message's images in order, with the name
# the person saw. Rows of ``attachments`` no message refers to are removed by the
# repository when messages are deleted for good.
_MIGRATION_2 = """
CREATE TABLE attachments (
    sha256      TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('image')),
    stored_name TEXT    NOT NULL,  -- path relative to the attachments root
    byte_size   INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    created_at  REAL    NOT NULL
);

CREATE TABLE message_attachments (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    sha256     TEXT    NOT NULL REFERENCES attachments (sha256),
    name       TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_by_sha256 ON message_attachments (sha256);
"""

_MIGRATION_3 = """
CREATE TABLE recordings (
    sha256      TEXT    PRIMARY KEY,
    stored_name TEXT    NOT NULL,  -- path relative to the attachments root
    byte_size   INTEGER NOT NULL,
    duration_s  REAL    NOT NULL,
    created_at  REAL    NOT NULL
);

CREATE TABLE message_recordings (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    sha256     TEXT    NOT NULL REFERENCES recordings (sha256),
    name       TEXT    NOT NULL
);
CREATE INDEX message_recordings_by_sha256 ON message_recordings (sha256);
"""

MIGRATIONS: tuple[str, ...] = (_MIGRATION_1, _MIGRATION_2, _MIGRATION_3)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(connection: sqlite3.Connection) -> int:
    """The ``user_version`` of the open database."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def newer_schema_sentence(path: Path | str, found: int) -> str:
    """What to tell a person whose database was written by a newer Mosaic."""
    return (f"The chat database {path} was written by a newer version of Mosaic "
            f"(schema version {found}; this version understands up to {SCHEMA_VERSION}); "
            f"update Mosaic to open it.")


def migrate(connection: sqlite3.Connection, path: Path | str = "") -> int:
    """Bring the database up to ``SCHEMA_VERSION``; return the number of migrations applied.

    ``connection`` must be in autocommit mode (``isolation_level=None``) with no open
    transaction. Raises ``StorageError`` when the database is newer than this code or a
    migration fails; sqlite3 corruption errors pass through so the caller can quarantine.
    """
    current = schema_version(connection)
    if current > SCHEMA_VERSION:
        raise StorageError(newer_schema_sentence(path or "in use", current))
    applied = 0
    for number in range(current + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[number - 1]
        try:
            connection.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if is_corruption(exc):
                raise
            raise StorageError(
                describe_sqlite_error(exc, f"upgrade the chat database to version {number}")
            ) from exc
        applied += 1
    return applied

