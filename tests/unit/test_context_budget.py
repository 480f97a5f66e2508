"""Fitting a conversation into the context window."""

from __future__ import annotations

import pytest

from assistant.core.context_budget import PromptTooLong, fit_turns
from assistant.core.messages import ChatTurn, Role


def words(turns: list[ChatTurn]) -> int:
    """A stand-in tokenizer: 3 tokens of system prompt, 2 per turn header, 1 per word."""
    return 3 + sum(2 + len(turn.text.split()) for turn in turns)


def history(n_exchanges: int, size: int = 10) -> list[ChatTurn]:
    turns: list[ChatTurn] = []
    for i in range(n_exchanges):
        turns.append(ChatTurn(Role.USER, f"question {i} " + "w " * size))
        turns.append(ChatTurn(Role.ASSISTANT, f"answer {i} " + "w " * size))
    return turns


def test_everything_kept_when_it_fits() -> None:
    turns = [*history(2), ChatTurn(Role.USER, "last")]
    result = fit_turns(turns, "sys", words, n_ctx=1000, reserve_for_answer=100)
    assert result.turns == tuple(turns) and result.dropped_turns == 0


def test_oldest_whole_exchanges_are_dropped() -> None:
    turns = [*history(10), ChatTurn(Role.USER, "last question")]
    result = fit_turns(turns, "sys", words, n_ctx=120, reserve_for_answer=20)
    assert result.dropped_turns > 0 and result.dropped_turns % 2 == 0
    assert result.turns == tuple(turns[result.dropped_turns:])
    assert result.turns[0].role is Role.USER
    assert words(list(result.turns)) <= 100
    # one exchange more would not have fitted: the fewest turns are dropped
    assert words(turns[result.dropped_turns - 2:]) > 100


def test_leading_assistant_turn_forms_its_own_group() -> None:
    turns = [ChatTurn(Role.ASSISTANT, "greeting " * 50), *history(1), ChatTurn(Role.USER, "last")]
    result = fit_turns(turns, "", words, n_ctx=60, reserve_for_answer=10)
    assert result.dropped_turns == 1
    assert result.turns[0].role is Role.USER


def test_last_message_squeezes_into_the_answer_reserve() -> None:
    turns = [ChatTurn(Role.USER, "x " * 150)]
    result = fit_turns(turns, "", words, n_ctx=200, reserve_for_answer=100)
    assert result.turns == tuple(turns)  # 155 tokens leave 45 for the answer


def test_message_larger_than_context_raises_a_sentence() -> None:
    turns = [*history(3), ChatTurn(Role.USER, "x " * 500)]
    with pytest.raises(PromptTooLong) as raised:
        fit_turns(turns, "", words, n_ctx=256, reserve_for_answer=64)
    assert str(raised.value) == (
        "Your message is about 505 tokens but the model's context holds 256; shorten it or "
        "raise the context size in Settings.")
    assert raised.value.prompt_tokens == 505
    with pytest.raises(PromptTooLong, match="Your message and the system prompt are"):
        fit_turns(turns, "Be brief.", words, n_ctx=256, reserve_for_answer=64)


def test_empty_conversation() -> None:
    assert fit_turns([], "", words, 100, 10).turns == ()
