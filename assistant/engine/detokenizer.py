"""Turn a stream of tokens into text in constant work per token.

``IncrementalDetokenizer`` converts one token at a time to bytes and decodes them with an
incremental UTF-8 decoder, so a character split across tokens comes out whole once its
last byte arrives. ``StopText`` holds back text that might be the start of a stop string so
that a stop string never reaches the screen. Both keep only a bounded amount of state.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Sequence


class IncrementalDetokenizer:
    """Bytes of each token in, complete UTF-8 text out.

    ``token_bytes(token)`` gives one token's piece (for SentencePiece vocabularies that
    includes the leading space of a word-initial token, exactly as llama.cpp's detokenizer
    writes it). Invalid bytes become U+FFFD, as ``bytes.decode(errors="replace")`` does.
    """

    def __init__(self, token_bytes: Callable[[int], bytes]) -> None:
        self._token_bytes = token_bytes
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def push(self, token: int) -> str:
        """Text completed by ``token`` (empty while a character is still incomplete)."""
        return self._decoder.decode(self._token_bytes(token))

    def flush(self) -> str:
        """Whatever is left: an unfinished character becomes U+FFFD."""
        return self._decoder.decode(b"", final=True)


class StopText:
    """Pass text through, withholding any tail that could begin one of ``stop_strings``.

    ``push`` returns ``(text_to_show, stopped)``; once a stop string is complete, the text
    before it is returned with ``stopped=True`` and everything after it is dropped. With
    ``trim=True`` whitespace at the start and at the end of the answer is never shown
    (trailing whitespace is held back until something visible follows it).
    """

    def __init__(self, stop_strings: Sequence[str] = (), trim: bool = False) -> None:
        self._stops = tuple(s for s in stop_strings if s)
        self._pending = ""
        self._trim = trim
        self._started = not trim

    def push(self, text: str) -> tuple[str, bool]:
        if not self._started:
            text = text.lstrip()
            if not text:
                return "", False
            self._started = True
        if not self._stops and not self._trim:
            return text, False
        pending = self._pending + text
        cut = min((index for index in (pending.find(stop) for stop in self._stops)
                   if index >= 0), default=-1)
        if cut >= 0:
            self._pending = ""
            shown = pending[:cut]
            return (shown.rstrip() if self._trim else shown), True
        split = len(pending) - self._held_back(pending)
        if self._trim:
            while split > 0 and pending[split - 1].isspace():
                split -= 1
        self._pending = pending[split:]
        return pending[:split], False

    def _held_back(self, text: str) -> int:
        """Length of the longest tail of ``text`` that is a proper prefix of a stop string."""
        longest = 0
        for stop in self._stops:
            for size in range(min(len(stop) - 1, len(text)), longest, -1):
                if text.endswith(stop[:size]):
                    longest = size
                    break
        return longest

    def flush(self) -> str:
        """The withheld tail, when the answer ended without completing a stop string."""
        rest, self._pending = self._pending, ""
        return rest.rstrip() if self._trim else rest
