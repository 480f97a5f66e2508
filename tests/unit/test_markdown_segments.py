"""Splitting Markdown into prose and fenced code, and its stability while streaming."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ui.markdown_segments import (
    PROSE_SPLIT_CHARS,
    Segment,
    SegmentStream,
    split_segments,
)

SAMPLE = """# Plan

Here is a list:

- one
- two with `inline code`

```python
def f(x):
    return x * 2
```

| a | b |
|---|---|
| 1 | 2 |

~~~ bash extra words
echo "``` not a fence in here"
~~~

Text after.
````markdown
```python
nested
```
````
Last line ```not a fence``` here
```
unclosed code
"""


def prose(text: str) -> Segment:
    return Segment("prose", text)


def code(text: str, language: str = "") -> Segment:
    return Segment("code", text, language)


def test_plain_prose_is_one_segment() -> None:
    assert split_segments("Hello **world**.\n\nSecond paragraph.") == [
        prose("Hello **world**.\n\nSecond paragraph.")
    ]


def test_empty_and_blank_text_have_no_segments() -> None:
    assert split_segments("") == []
    assert split_segments("\n  \n") == []


def test_backtick_fence_with_language() -> None:
    text = "Intro:\n\n```python\nprint('hi')\n\nx = 1\n```\n\nOutro."
    assert split_segments(text) == [
        prose("Intro:"),
        code("print('hi')\n\nx = 1", "python"),
        prose("Outro."),
    ]


def test_tilde_fence_and_first_word_of_info_string() -> None:
    assert split_segments("~~~ rust {.numberLines}\nfn main() {}\n~~~\n") == [
        code("fn main() {}", "rust")
    ]


def test_fence_without_language() -> None:
    assert split_segments("```\nplain\n```") == [code("plain")]


def test_closing_fence_must_match_character_and_length() -> None:
    text = "````md\n```python\nx\n```\n~~~~\n````\nafter"
    assert split_segments(text) == [code("```python\nx\n```\n~~~~", "md"), prose("after")]


def test_closing_fence_may_not_have_an_info_string() -> None:
    assert split_segments("```\na\n```js\nb\n```") == [code("a\n```js\nb")]


def test_backtick_info_string_with_backtick_is_inline_code_not_a_fence() -> None:
    assert split_segments("``` `x` ```\nnext") == [prose("``` `x` ```\nnext")]


def test_unclosed_fence_at_the_end_is_code() -> None:
    assert split_segments("Look:\n```js\nconst a = 1;\nconst b") == [
        prose("Look:"),
        code("const a = 1;\nconst b", "js"),
    ]


def test_opener_counts_only_once_its_line_is_complete() -> None:
    assert split_segments("Look:\n```py") == [prose("Look:\n```py")]
    assert split_segments("Look:\n```py\n") == [prose("Look:"), code("", "py")]


def test_closing_fence_without_a_final_newline_closes() -> None:
    assert split_segments("```py\nx = 1\n```") == [code("x = 1", "py")]


def test_indented_fence_strips_its_indentation_from_the_code() -> None:
    assert split_segments("1. Step\n   ```sh\n   make\n     deeper\n   ```\n") == [
        prose("1. Step"),
        code("make\n  deeper", "sh"),
    ]


def test_four_spaces_are_not_a_fence() -> None:
    assert split_segments("    ```\n    x\n") == [prose("    ```\n    x")]


def test_crlf_line_ends() -> None:
    assert split_segments("a\r\n```c\r\nint x;\r\n```\r\nb") == [
        prose("a"),
        code("int x;", "c"),
        prose("b"),
    ]


def test_long_prose_is_cut_only_before_self_contained_blocks() -> None:
    paragraph = "word " * (PROSE_SPLIT_CHARS // 5 + 10)
    text = f"{paragraph}\n\n- item\n\n- loose item\n\n| a |\n\n## Heading\n\nTail."
    segments = split_segments(text)
    assert [s.kind for s in segments] == ["prose", "prose"]
    assert segments[0].text.endswith("| a |")
    assert segments[1].text == "## Heading\n\nTail."


def test_sample_segments() -> None:
    kinds = [(s.kind, s.language) for s in split_segments(SAMPLE)]
    assert kinds == [
        ("prose", ""),
        ("code", "python"),
        ("prose", ""),
        ("code", "bash"),
        ("prose", ""),
        ("code", "markdown"),
        ("prose", ""),
        ("code", ""),
    ]
    assert split_segments(SAMPLE)[3].text == 'echo "``` not a fence in here"'


def _assert_stable(text: str) -> None:
    """Every prefix's segments, except its last, are segments of the full text."""
    full = split_segments(text)
    stream = SegmentStream()
    for end in range(1, len(text) + 1):
        partial = split_segments(text[:end])
        assert partial[:-1] == full[: max(len(partial) - 1, 0)], repr(text[:end])
        before = stream.segments
        first_changed = stream.append(text[end - 1])
        assert stream.segments == partial, repr(text[:end])
        # The widgets of segments before first_changed can be left as they are.
        assert first_changed <= len(before)
        assert partial[:first_changed] == before[:first_changed]
    assert stream.segments == full
    assert stream.text == text


def test_every_prefix_of_the_sample_is_stable() -> None:
    _assert_stable(SAMPLE)


def test_blank_start_then_prose_then_code() -> None:
    _assert_stable(" `\r\n```\n")


def test_every_prefix_of_long_prose_is_stable() -> None:
    _assert_stable(("A sentence of prose. " * 30 + "\n\n- a list\n\n## Head\n\n") * 3)


def test_stream_in_uneven_chunks_matches_a_full_split() -> None:
    stream = SegmentStream("# Start\n")
    chunks = [SAMPLE[i : i + 7] for i in range(0, len(SAMPLE), 7)]
    for chunk in chunks:
        stream.append(chunk)
    assert stream.segments == split_segments("# Start\n" + SAMPLE)
    assert stream.segments_from(len(stream) - 1) == stream.segments[-1:]
    assert stream.segments_from(1) == stream.segments[1:]


_PIECES = st.sampled_from(
    ["```", "~~~", "````", "`", "~", "py", " ", "   ", "    ", "\n", "\n\n", "x", "`x`",
     "# H", "- ", "1. ", "|", "\r\n", "word " * 60]
)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(_PIECES, max_size=25))
def test_random_markdown_is_prefix_stable(pieces: list[str]) -> None:
    _assert_stable("".join(pieces))
