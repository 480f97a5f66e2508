"""Opening the chat database: health check, quarantine of damaged files, migrations.

There is one long-lived connection, owned by the GUI thread (sqlite3's
``check_same_thread`` stays on to enforce it). It runs in autocommit mode: every write
is its own transaction unless the repository opens one explicitly. WAL journaling with
``synchronous=NORMAL`` keeps each commit cheap (no fsync per commit) while a killed
process loses nothing that was committed; only a power cut may lose the last commits.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.storage.errors import StorageError, describe_sqlite_error, is_corruption
from assistant.storage.migrations import migrate

BUSY_TIMEOUT_MS = 5000
_SIDE_FILES = ("-wal", "-shm", "-journal")
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class OpenedDatabase:
    """An open, migrated database; ``quarantined`` is where a damaged file was moved."""

    connection: sqlite3.Connection
    quarantined: Path | None


class _Damaged(Exception):
    """The file is not a usable SQLite database (internal signal to quarantine it)."""


def damaged_database_sentence(quarantined: Path) -> str:
    """What the window tells a person after ``open_database`` quarantined their file."""
    return (f"Your chat database was damaged; it was moved to {quarantined} "
            f"and a new one was started.")


def open_database(path: Path) -> OpenedDatabase:
    """Open (creating if needed) and migrate the database at ``path``.

    A file that is not a SQLite database, or fails ``PRAGMA quick_check``, is renamed
    with its ``-wal``/``-shm`` siblings to ``<name>.corrupt-<YYYYmmdd-HHMMSS>`` and a fresh
    database is created in its place. Messages left ``streaming`` by a previous run that
    died become ``interrupted``. Raises ``StorageError`` (one sentence) when the database
    cannot be opened at all, e.g. it was written by a newer Mosaic.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Mosaic could not create the folder {path.parent} for its chat database "
            f"({exc.strerror or exc}); check that folder's permissions."
        ) from exc
    try:
        if not _has_sqlite_header(path):
            raise _Damaged("the file does not start with a SQLite header")
        return OpenedDatabase(_open(path), None)
    except _Damaged:
        quarantined = quarantine(path)
    try:
        return OpenedDatabase(_open(path), quarantined)
    except _Damaged as exc:
        raise StorageError(
            f"Mosaic moved a damaged chat database to {quarantined} but could not start a "
            f"new one at {path}; check the disk and the folder's permissions."
        ) from exc


def quarantine(path: Path) -> Path:
    """Rename ``path`` and its SQLite side files out of the way; return the new main path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    attempt = 2
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", *_SIDE_FILES)):
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{attempt}")
        attempt += 1
    try:
        for suffix in ("", *_SIDE_FILES):
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{target}{suffix}"))
    except OSError as exc:
        raise StorageError(
            f"Your chat database {path} is damaged and Mosaic could not move it aside "
            f"({exc.strerror or exc}); move or delete it yourself, then start Mosaic again."
        ) from exc
    return target


def _has_sqlite_header(path: Path) -> bool:
    """False for a non-empty file that cannot be a SQLite database. Checked before SQLite
    opens it, because closing a connection to such a file deletes its ``-wal`` sibling."""
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return True
    except OSError:
        return True  # unreadable: let SQLite report why, as a StorageError
    return not header or header == _SQLITE_HEADER


def _open(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise StorageError(describe_sqlite_error(exc, f"open the chat database {path}")) from exc
    try:
        _check_health(connection)
        _configure(connection)
        migrate(connection, path)
        connection.execute(
            "UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'"
        )
    except sqlite3.Error as exc:
        connection.close()
        if is_corruption(exc):
            raise _Damaged(str(exc)) from exc
        raise StorageError(describe_sqlite_error(exc, f"open the chat database {path}")) from exc
    except BaseException:
        connection.close()
        raise
    return connection


def _check_health(connection: sqlite3.Connection) -> None:
    rows = connection.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise _Damaged("; ".join(str(row[0]) for row in rows[:5]))


def _configure(connection: sqlite3.Connection) -> None:
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")


__all__ = [
    "BUSY_TIMEOUT_MS",
    "OpenedDatabase",
    "StorageError",
    "damaged_database_sentence",
    "open_database",
    "quarantine",
]
