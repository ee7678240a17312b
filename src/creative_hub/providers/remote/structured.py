"""JSON replies from remote chat models, held to the same promise as the local engine:
the result always validates against the schema (the embedded engine's validator and
repair step are reused; they are pure Python)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from creative_hub.providers.base import ChatMessage, ProviderError
from creative_hub.providers.local.llama.json_mode import check_object_schema, instructed
from creative_hub.providers.local.llama.json_repair import conform, parse_lenient
from creative_hub.providers.local.llama.json_schema import errors


def instructed_messages(
    messages: Sequence[ChatMessage], schema: dict[str, Any]
) -> list[dict[str, str]]:
    """Messages with the schema spelled out in the system prompt; checks the schema first."""
    check_object_schema(schema)
    return instructed([{"role": m.role, "content": m.content} for m in messages], schema)


def parse_reply(provider: str, text: str, schema: dict[str, Any], filler: str) -> dict[str, Any]:
    value = parse_lenient(text)
    if not isinstance(value, dict):
        raise ProviderError("provider_error", f"{provider}: the reply held no JSON object.")
    if errors(value, schema):
        value = conform(value, schema, filler)  # keep what is valid, rebuild the rest
    result: dict[str, Any] = value
    return result
