"""Pure text rules of the chat store: automatic titles and safe full-text queries."""

from __future__ import annotations

TITLE_MAX_CHARS = 48


def title_from_text(text: str) -> str:
    """A short title from a first message: its first non-empty line, whitespace collapsed,
    cut at a word boundary to at most ``TITLE_MAX_CHARS`` characters ending in "…".
    Empty when the text has no visible words."""
    for line in text.splitlines():
        words = line.split()
        if words:
            break
    else:
        return ""
    title = " ".join(words)
    if len(title) <= TITLE_MAX_CHARS:
        return title
    room = TITLE_MAX_CHARS - 1  # leave space for the ellipsis
    cut = title[:room]
    if title[room] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return (cut.rstrip(" ,;:.-–—") or cut) + "…"


def fts_query(text: str) -> str | None:
    """A safe FTS5 MATCH expression for what a person typed, or None when nothing to find.

    Every whitespace-separated term becomes a quoted string (so FTS5 operators, quotes,
    ``*``, ``-`` and parentheses are plain text); terms with no letter or digit are
    dropped; the last term matches as a prefix so results follow typing. Terms are ANDed.
    """
    terms = [term.replace("\x00", "") for term in text.split()]
    terms = [term for term in terms if any(char.isalnum() for char in term)]
    if not terms:
        return None
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)
