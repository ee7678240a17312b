"""Keys never leave the process: scrub them from any text before it is logged or shown."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "[redacted]"
# Shorter strings would mask ordinary words; no real key is this short.
MIN_SECRET_LENGTH = 6


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every occurrence of each secret replaced by a mask."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_LENGTH and secret in text:
            text = text.replace(secret, MASK)
    return text


def key_hint(api_key: str | None) -> str | None:
    """What the API may show of a key: its last four characters, only for long keys."""
    if not api_key:
        return None
    return api_key[-4:] if len(api_key) >= 12 else None
