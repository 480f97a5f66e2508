"""Split Markdown into prose and fenced code segments, in a streaming-friendly way.

A chat answer is shown as a column of widgets: prose rendered as Markdown, and code blocks
in their own monospace view with a Copy button. This module decides where one ends and the
next begins. It imports no Qt.

Streaming stability: appending text to a document only ever changes its LAST segment or
appends new ones; every earlier segment stays exactly as it was. Three rules make that so:

- a fence opener is recognised only once its line is complete (ends with a newline), so a
  half-streamed ```` ``` `` ```` line never splits prose that later turns out not to be code;
- a closing fence is recognised on the last line even without a newline (answers often end
  with one), which is safe because a code segment that closes is still the last segment;
- long prose is cut into several prose segments at blank lines, but only where the next
  line is complete and starts a new, self-contained block (a heading or a plain paragraph),
  so re-rendering the last segment costs about the same at the end of a long answer as at
  its start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SegmentKind = Literal["prose", "code"]

# Prose longer than this is cut at the next safe blank line (see module docstring).
PROSE_SPLIT_CHARS = 1200

_OPENER = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
_CLOSER = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*$")
# Lines that continue the block above them even after a blank line (lists, tables, quotes,
# indented continuation), so prose is never cut just before them.
_CONTINUATION = re.compile(r"^(?:[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|\||>|$)")


@dataclass(frozen=True)
class Segment:
    """One run of prose, or one fenced code block (``language`` is "" when not given)."""

    kind: SegmentKind
    text: str
    language: str = ""


@dataclass(frozen=True)
class _Span:
    """A segment and the offset in the source where it starts (to resume parsing there)."""

    start: int
    segment: Segment | None  # None: blank prose, kept only to remember where it starts


def split_segments(text: str) -> list[Segment]:
    """Split ``text`` into prose and code segments (blank prose between blocks is dropped)."""
    return [span.segment for span in _parse(text, 0) if span.segment is not None]


class SegmentStream:
    """Incremental :func:`split_segments` for text that arrives in chunks.

    ``append`` re-parses only from the start of the last segment, so its cost does not grow
    with the length of the finished text before it.
    """

    def __init__(self, text: str = "") -> None:
        self._text = ""
        self._done: list[Segment] = []  # finished segments, which never change again
        self._tail: list[Segment] = []  # the last segment, which may still change
        self._tail_start = 0  # where in the text the last segment starts
        self.append(text)

    @property
    def text(self) -> str:
        return self._text

    @property
    def segments(self) -> list[Segment]:
        return self._done + self._tail

    def __len__(self) -> int:
        return len(self._done) + len(self._tail)

    def segments_from(self, index: int) -> list[Segment]:
        """Segments ``index`` onwards (cheap when ``index`` is near the end)."""
        if index >= len(self._done):
            return self._tail[index - len(self._done) :]
        return self.segments[index:]

    def append(self, chunk: str) -> int:
        """Add ``chunk``; return the index of the first segment that may have changed."""
        first_changed = len(self._done)
        if not chunk and self._text:
            return first_changed
        self._text += chunk
        spans = _parse(self._text[self._tail_start :], self._tail_start)
        # Every span but the last is final; the next append re-parses from the last one.
        self._done.extend(s.segment for s in spans[:-1] if s.segment is not None)
        last = spans[-1]
        self._tail = [last.segment] if last.segment is not None else []
        self._tail_start = last.start
        return first_changed


def _parse(text: str, offset: int) -> list[_Span]:
    """Parse ``text`` (which starts at a segment boundary) into spans offset by ``offset``."""
    spans: list[_Span] = []
    lines = _lines(text)
    pos = 0
    prose_start = 0
    prose_lines: list[str] = []
    prose_chars = 0
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        opener = _OPENER.match(line.rstrip("\r\n")) if line.endswith("\n") else None
        if opener and not (opener["fence"][0] == "`" and "`" in opener["info"]):
            if prose_lines:
                spans.append(_Span(offset + prose_start, _prose(prose_lines)))
                prose_lines, prose_chars = [], 0
            code_start = pos
            fence = opener["fence"]
            indent = len(opener["indent"])
            info = opener["info"].strip()
            language = info.split()[0] if info else ""
            body: list[str] = []
            pos += len(line)
            i += 1
            closed = False
            while i < n:
                line = lines[i]
                pos += len(line)
                i += 1
                closer = _CLOSER.match(line.rstrip("\r\n"))
                if closer and closer["fence"][0] == fence[0] and len(closer["fence"]) >= len(fence):
                    closed = True
                    break
                body.append(_dedent(line, indent))
            code = "".join(body).replace("\r\n", "\n")
            if code.endswith("\n"):
                code = code[:-1]
            spans.append(_Span(offset + code_start, Segment("code", code, language)))
            if closed and not line.endswith("\n"):
                # The closer is the last, unfinished line: keep the code block as the
                # resume point in case more of that line arrives (e.g. "```a").
                return spans
            prose_start = pos
            continue
        if (
            prose_lines
            and line.endswith("\n")
            and _is_blank(prose_lines[-1])
            and not _CONTINUATION.match(line)
            and prose_chars >= PROSE_SPLIT_CHARS
        ):
            spans.append(_Span(offset + prose_start, _prose(prose_lines)))
            prose_lines, prose_chars = [], 0
            prose_start = pos
        prose_lines.append(line)
        prose_chars += len(line)
        pos += len(line)
        i += 1
    if prose_lines or not spans:
        spans.append(_Span(offset + prose_start, _prose(prose_lines)))
    return spans


def _prose(lines: list[str]) -> Segment | None:
    start, end = 0, len(lines)
    while start < end and _is_blank(lines[start]):
        start += 1
    while end > start and _is_blank(lines[end - 1]):
        end -= 1
    if start == end:
        return None
    text = "".join(lines[start:end]).replace("\r\n", "\n")
    return Segment("prose", text[:-1] if text.endswith("\n") else text)


def _lines(text: str) -> list[str]:
    """Split on "\\n" only, keeping the line ends (the last line may have none)."""
    lines = text.split("\n")
    last = lines.pop()
    result = [line + "\n" for line in lines]
    if last:
        result.append(last)
    return result


def _is_blank(line: str) -> bool:
    return not line.strip()


def _dedent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable) :]
