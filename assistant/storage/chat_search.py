"""Full-text search over conversation titles and finished messages (SQLite FTS5).

Snippets wrap each matched term in ``SNIPPET_OPEN`` / ``SNIPPET_CLOSE`` (``[`` and ``]``)
and mark elided text with ``SNIPPET_ELLIPSIS`` (``…``); whitespace in a snippet is collapsed
to single spaces. Messages become searchable once they stop streaming.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from assistant.storage.text_rules import fts_query

SNIPPET_OPEN = "["
SNIPPET_CLOSE = "]"
SNIPPET_ELLIPSIS = "…"
SNIPPET_TOKENS = 16


@dataclass(frozen=True)
class SearchHit:
    """A search match: a conversation title (``message_id is None``) or a message."""

    conversation_id: int
    conversation_title: str
    message_id: int | None
    snippet: str


def search_chats(db: sqlite3.Connection, query: str, limit: int = 50) -> list[SearchHit]:
    """Titles first, then messages, each best match first, of conversations not deleted."""
    match = fts_query(query)
    if match is None or limit <= 0:
        return []
    marks = (SNIPPET_OPEN, SNIPPET_CLOSE)
    title_rows = db.execute(
        "SELECT c.id, c.title, NULL, highlight(conversations_fts, 0, ?, ?) "
        "FROM conversations_fts JOIN conversations AS c ON c.id = conversations_fts.rowid "
        "WHERE conversations_fts MATCH ? AND c.deleted_at IS NULL "
        "ORDER BY conversations_fts.rank LIMIT ?",
        (*marks, match, limit),
    ).fetchall()
    message_rows = db.execute(
        "SELECT m.conversation_id, c.title, m.id, "
        "snippet(messages_fts, 0, ?, ?, ?, ?) "
        "FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid "
        "JOIN conversations AS c ON c.id = m.conversation_id "
        "WHERE messages_fts MATCH ? AND c.deleted_at IS NULL "
        "ORDER BY messages_fts.rank LIMIT ?",
        (*marks, SNIPPET_ELLIPSIS, SNIPPET_TOKENS, match, limit - len(title_rows)),
    ).fetchall()
    return [
        SearchHit(conversation_id, title, message_id, " ".join(snippet.split()))
        for conversation_id, title, message_id, snippet in (*title_rows, *message_rows)
    ]
