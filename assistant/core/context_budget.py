"""Fit a conversation into the model's context window by dropping its oldest turns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.core.messages import ChatTurn, Role

# When the latest message fits only without the full answer reserve, it is still sent as long
# as at least this many tokens remain for the answer (which then ends at the context limit).
MIN_ANSWER_TOKENS = 32


class PromptTooLong(ValueError):
    """Even the latest message alone does not fit; ``str()`` is the sentence to show."""

    def __init__(self, prompt_tokens: int, n_ctx: int, with_system_prompt: bool) -> None:
        what = ("Your message and the system prompt are" if with_system_prompt
                else "Your message is")
        super().__init__(
            f"{what} about {prompt_tokens} tokens but the model's context holds {n_ctx}; "
            "shorten it or raise the context size in Settings.")
        self.prompt_tokens = prompt_tokens
        self.n_ctx = n_ctx


@dataclass(frozen=True)
class FitResult:
    turns: tuple[ChatTurn, ...]
    dropped_turns: int


def _exchanges(turns: Sequence[ChatTurn]) -> list[tuple[ChatTurn, ...]]:
    """Group turns so that each group starts at a user turn (a question and its answer)."""
    groups: list[list[ChatTurn]] = []
    for turn in turns:
        if turn.role is Role.USER or not groups:
            groups.append([turn])
        else:
            groups[-1].append(turn)
    return [tuple(group) for group in groups]


def fit_turns(turns: Sequence[ChatTurn], system_prompt: str,
              count_tokens: Callable[[list[ChatTurn]], int], n_ctx: int,
              reserve_for_answer: int) -> FitResult:
    """Keep the latest turns whose rendered prompt fits ``n_ctx - reserve_for_answer``.

    ``count_tokens(turns)`` returns the token count of the whole prompt built from ``turns``
    (the caller renders it with ``system_prompt``, which is always kept). Whole exchanges (a
    user turn with the replies after it) are dropped, oldest first. Raises
    :class:`PromptTooLong` when not even the last exchange fits.
    """
    if not turns:
        return FitResult((), 0)
    groups = _exchanges(turns)
    budget = max(1, n_ctx - max(0, reserve_for_answer))

    def kept(start: int) -> list[ChatTurn]:
        return [turn for group in groups[start:] for turn in group]

    if count_tokens(list(turns)) <= budget:
        return FitResult(tuple(turns), 0)
    last = len(groups) - 1
    last_count = count_tokens(kept(last))
    if last_count > budget:
        floor = max(1, n_ctx - min(max(0, reserve_for_answer), MIN_ANSWER_TOKENS))
        if last_count > floor:
            raise PromptTooLong(last_count, n_ctx, bool(system_prompt.strip()))
        start = last
    else:
        # The smallest number of dropped exchanges that fits: counts fall as groups go.
        low, high = 1, last  # groups[0:] does not fit, groups[last:] does
        while low < high:
            middle = (low + high) // 2
            if count_tokens(kept(middle)) <= budget:
                high = middle
            else:
                low = middle + 1
        start = low
    remaining = tuple(kept(start))
    return FitResult(remaining, len(turns) - len(remaining))
