"""Fitting a conversation into the context window: oldest turns go first, the system prompt stays.

Counting uses the model's own template and tokenizer (a callable into the engine), so the
fit is exact rather than estimated from characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from creative_hub.providers.base import ProviderError

Message = dict[str, str]
CountTokens = Callable[[Sequence[Message]], int]

# The smallest reply worth generating when a long last message leaves little room.
MIN_REPLY_TOKENS = 16


@dataclass(frozen=True)
class Fitted:
    messages: list[Message]
    dropped: int  # turns removed, oldest first
    prompt_tokens: int
    max_tokens: int  # the reply budget that is left, at most the one asked for


def fit(messages: Sequence[Message], count: CountTokens, window: int, max_tokens: int) -> Fitted:
    """Keep system messages and the newest turns that fit with room for the reply.

    The room reserved while choosing turns is capped at half the window, so a huge
    max_tokens does not throw the whole history away; the reply then gets whatever is
    left after the prompt.
    """
    system = [m for m in messages if m["role"] == "system"]
    turns = [m for m in messages if m["role"] != "system"]
    if not turns:
        raise ProviderError("invalid_request", "The conversation needs a user message.")
    reserve = max(MIN_REPLY_TOKENS, min(max_tokens, window // 2))

    def keep_from(start: int) -> list[Message]:
        kept = turns[start:]
        # Start on a user turn: some chat templates (Gemma's) reject a leading assistant.
        while len(kept) > 1 and kept[0]["role"] == "assistant":
            kept = kept[1:]
        return system + kept

    def tokens_from(start: int) -> int:
        return count(keep_from(start))

    # Dropping more turns never adds tokens, so binary-search the fewest drops that fit:
    # a long history costs log2(turns) token counts, not one per turn.
    total = tokens_from(0)
    if total + reserve <= window:
        return _fitted(keep_from(0), len(messages), total, window, max_tokens)
    last = len(turns) - 1  # starting at `last` keeps only the final turn
    high_tokens = tokens_from(last)
    if high_tokens + MIN_REPLY_TOKENS > window:
        raise ProviderError(
            "context_overflow",
            f"The system prompt and the last message take {high_tokens} tokens; the model's "
            f"context window is {window}. Shorten them, or raise text_context_window.",
        )
    best, best_tokens = last, high_tokens  # if nothing fits the full reserve
    low, high = 1, last
    while low <= high:
        middle = (low + high) // 2
        middle_tokens = tokens_from(middle)
        if middle_tokens + reserve <= window:
            best, best_tokens, high = middle, middle_tokens, middle - 1
        else:
            low = middle + 1
    return _fitted(keep_from(best), len(messages), best_tokens, window, max_tokens)


def _fitted(
    kept: list[Message], original: int, prompt_tokens: int, window: int, max_tokens: int
) -> Fitted:
    return Fitted(
        messages=kept,
        dropped=original - len(kept),
        prompt_tokens=prompt_tokens,
        max_tokens=max(1, min(max_tokens, window - prompt_tokens)),
    )
