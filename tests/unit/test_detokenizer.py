"""Incremental detokenization and held-back stop strings, without a model."""

from __future__ import annotations

import random

from assistant.engine.detokenizer import IncrementalDetokenizer, StopText


def test_characters_split_across_tokens_come_out_whole() -> None:
    text = "naïve café 東京 🦙 done"
    data = text.encode()
    pieces = [data[i:i + 1] for i in range(len(data))]  # one byte per token
    detok = IncrementalDetokenizer(lambda token: pieces[token])
    out = [detok.push(i) for i in range(len(pieces))]
    assert "".join(out) + detok.flush() == text
    assert "" in out  # some tokens completed no character
    assert all("\ufffd" not in part for part in out)


def test_random_splits_match_whole_decode_including_invalid_bytes() -> None:
    rng = random.Random(3)
    data = "señor 😀 ok".encode() + b"\xff\xfe" + "日本".encode() + b"\xe6"
    for _ in range(50):
        cuts = sorted(rng.sample(range(1, len(data)), 6))
        pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        detok = IncrementalDetokenizer(lambda token, p=pieces: p[token])
        streamed = "".join(detok.push(i) for i in range(len(pieces))) + detok.flush()
        assert streamed == data.decode("utf-8", errors="replace")


def stream(stop: StopText, parts: list[str]) -> tuple[str, bool]:
    shown = []
    for part in parts:
        text, stopped = stop.push(part)
        shown.append(text)
        if stopped:
            return "".join(shown), True
    return "".join(shown) + stop.flush(), False


def test_stop_string_never_reaches_the_screen() -> None:
    stop = StopText(("\nUser:",))
    shown = []
    for part in ["Paris", ".", "\n", "Us", "er", ":", " next"]:
        text, stopped = stop.push(part)
        shown.append(text)
        assert "\n" not in text and "Us" not in text
        if stopped:
            break
    assert "".join(shown) == "Paris." and stopped


def test_false_alarm_is_released() -> None:
    assert stream(StopText(("\nUser:",)), ["a", "\n", "Use", "ful"]) == ("a\nUseful", False)
    assert stream(StopText(("\nUser:",)), ["a", "\nUs"]) == ("a\nUs", False)


def test_trim_drops_surrounding_whitespace_only() -> None:
    stops = ("\nUser:", "\nAssistant:")
    assert stream(StopText(stops, trim=True), [" ", " Paris", ".\n\n", "User", ":"]) == (
        "Paris.", True)
    assert stream(StopText(stops, trim=True), [" a", "\n\n", "b ", " "]) == ("a\n\nb", False)
    assert stream(StopText((), trim=False), [" a "]) == (" a ", False)


def test_pending_text_stays_bounded() -> None:
    stop = StopText(("\nUser:",), trim=True)
    for _ in range(10_000):
        stop.push("word \n")
    assert len(stop._pending) <= len("\nUser:") + 1
