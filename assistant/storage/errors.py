"""The one exception the storage layer raises, and the sentences it carries."""

from __future__ import annotations

import sqlite3

# Primary SQLite result codes (the low byte of an extended code).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class StorageError(Exception):
    """A storage failure a person can act on; ``str(error)`` is one English sentence."""


def primary_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code of ``exc``, or None when the driver gave none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the file is damaged or is not a SQLite database at all."""
    if primary_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def describe_sqlite_error(exc: sqlite3.Error, action: str) -> str:
    """One actionable sentence for a failed database operation.

    ``action`` completes "Mosaic could not …", e.g. ``"save the message"``.
    """
    code = primary_code(exc)
    if code == SQLITE_FULL:
        reason = "the disk is full; free some space and try again"
    elif code in (SQLITE_BUSY, SQLITE_LOCKED):
        reason = ("the chat database is in use by another program; "
                  "close other Mosaic windows and try again")
    elif code == SQLITE_READONLY:
        reason = "the chat database is read-only; check the permissions of Mosaic's data folder"
    elif code == SQLITE_CANTOPEN:
        reason = "the chat database file cannot be opened; check that Mosaic's data folder exists"
    elif code == SQLITE_IOERR:
        reason = "the disk reported an error; check the drive and try again"
    elif is_corruption(exc):
        reason = "the chat database is damaged; restart Mosaic so it can start a new one"
    else:
        reason = f"the database reported: {exc}"
    return f"Mosaic could not {action}: {reason}."
