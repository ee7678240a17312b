"""A short title for a conversation, from its first exchange."""

from __future__ import annotations

import re

from creative_hub.providers.base import ChatMessage, ProviderError, TextGenerator, TextRequest

MAX_TITLE_CHARS = 60
_INSTRUCTION = (
    "Write a title of at most six words for this conversation. "
    "Reply with the title only: no quotes, no punctuation at the end."
)


def fallback_title(user_text: str) -> str:
    """The first words of the user's message: always available, never empty."""
    words = user_text.split()
    if len(words) <= 1:  # CJK text has no spaces: take characters instead
        text = user_text.strip()
        return (text[:20] + ("…" if len(text) > 20 else "")) or "New chat"
    title = " ".join(words[:6])
    return title + ("…" if len(words) > 6 else "")


def clean_title(raw: str) -> str:
    line = next((ln for ln in raw.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^(title\s*:\s*)", "", line.strip(), flags=re.IGNORECASE)
    line = line.strip(" \"'`*#.:;-").strip()
    return line[:MAX_TITLE_CHARS].strip()


async def make_title(provider: TextGenerator, model: str | None, user_text: str, reply: str) -> str:
    request = TextRequest(
        messages=[
            ChatMessage("system", _INSTRUCTION),
            ChatMessage("user", f"User: {user_text[:500]}\nAssistant: {reply[:500]}"),
        ],
        model=model,
        max_tokens=16,
        temperature=0.2,
        seed=1,
    )
    try:
        pieces = [piece async for piece in provider.stream(request)]
    except ProviderError:
        return fallback_title(user_text)
    title = clean_title("".join(pieces))
    # Small models sometimes answer instead of titling: keep only short, plain titles.
    if len(title) < 3 or len(title.split()) > 8:
        return fallback_title(user_text)
    return title
