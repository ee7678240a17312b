"""Structured output that always validates: constrained sampling, a retry, then repair.

1. The model samples under the JSON schema (llama.cpp turns `json_schema` into an
   LLGuidance grammar), so its text is schema-shaped by construction. It can still fail
   validation when max_tokens cuts it off.
2. One retry with another seed and tighter string limits (shorter output fits the budget).
3. Otherwise the best attempt is repaired: cut-off text is closed, valid parts are kept,
   missing or broken parts are rebuilt from the schema. That step is deterministic and its
   result is validated again, so a caller never gets a value that fails the schema.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from creative_hub.providers.base import ProviderError
from creative_hub.providers.local.llama.json_repair import conform, parse_lenient
from creative_hub.providers.local.llama.json_schema import Schema, check_schema, errors

log = structlog.get_logger(__name__)

Message = dict[str, str]
ATTEMPTS = 2
# Limits added to the schema the model samples under (never to the one we validate with):
# a tiny model can otherwise fill one string until max_tokens runs out.
DEFAULT_MAX_LENGTH = 600
DEFAULT_MAX_ITEMS = 12
_FILLER_CHARS = 200


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str | None


# (schema to sample under, seed, temperature) -> the model's text
Complete = Callable[[dict[str, Any], int | None, float], Awaitable[Completion]]


def check_object_schema(schema: Any) -> None:
    check_schema(schema)
    if schema.get("type") != "object":
        raise ProviderError(
            "invalid_schema", "JSON schema at $: structured output must be an object ('type')."
        )


def instructed(messages: Sequence[Message], schema: Schema) -> list[Message]:
    """The conversation with the schema spelled out in the system prompt.

    The grammar forces the shape; telling the model the shape too makes the content
    sensible (it knows what each field is for before it starts writing).
    """
    instruction = (
        "Answer with one JSON object only, no other text. It must match this JSON Schema:\n"
        + json.dumps(schema, ensure_ascii=False)
    )
    result = [dict(m) for m in messages]
    for message in result:
        if message["role"] == "system":
            message["content"] = f"{message['content'].rstrip()}\n\n{instruction}"
            return result
    return [{"role": "system", "content": instruction}, *result]


def sampling_schema(schema: Schema, tighten: int = 0) -> dict[str, Any]:
    """A stricter copy for the sampler: bounded strings and arrays, halved per `tighten`.

    Anything valid under the copy is valid under the original.
    """
    copied: dict[str, Any] = copy.deepcopy(dict(schema))
    _bound(copied, tighten)
    return copied


def _bound(schema: dict[str, Any], tighten: int) -> None:
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    if "string" in kinds and "enum" not in schema and "const" not in schema:
        limit = min(schema.get("maxLength", DEFAULT_MAX_LENGTH), DEFAULT_MAX_LENGTH)
        schema["maxLength"] = max(schema.get("minLength", 0), limit >> tighten)
    if "array" in kinds:
        schema.setdefault("maxItems", max(schema.get("minItems", 0), DEFAULT_MAX_ITEMS))
    for sub in schema.get("properties", {}).values():
        _bound(sub, tighten)
    if isinstance(schema.get("items"), dict):
        _bound(schema["items"], tighten)
    if isinstance(schema.get("additionalProperties"), dict):
        _bound(schema["additionalProperties"], tighten)


async def structured(
    complete: Complete,
    schema: Schema,
    messages: Sequence[Message],
    *,
    seed: int | None,
    temperature: float,
) -> dict[str, Any]:
    """A dict that validates against `schema` (already checked by check_object_schema)."""
    best: Any = None
    best_errors: list[str] | None = None
    for attempt in range(ATTEMPTS):
        attempt_seed = None if seed is None else seed + attempt
        completion = await complete(sampling_schema(schema, attempt), attempt_seed, temperature)
        value = parse_lenient(completion.text)
        problems = errors(value, schema) if value is not None else ["no JSON in the reply"]
        if not problems and isinstance(value, dict):
            return value
        log.info(
            "llama.json_attempt_invalid",
            attempt=attempt + 1,
            finish_reason=completion.finish_reason,
            problems=problems[:5],
        )
        if value is not None and (best_errors is None or len(problems) < len(best_errors)):
            best, best_errors = value, problems
    repaired = conform(best if best is not None else {}, schema, _filler(messages))
    remaining = errors(repaired, schema)
    if remaining or not isinstance(repaired, dict):
        # Only a self-contradictory schema gets here (e.g. no integer between the bounds).
        raise ProviderError(
            "invalid_schema",
            f"No JSON value can satisfy this schema: {'; '.join(remaining[:3])}.",
        )
    log.warning(
        "llama.json_repaired", from_model=best is not None, problems=(best_errors or [])[:5]
    )
    return repaired


def _filler(messages: Sequence[Mapping[str, str]]) -> str:
    """Text for strings the model gave nothing for: the user's own request."""
    for message in reversed(messages):
        if message["role"] == "user" and message["content"].strip():
            return " ".join(message["content"].split())[:_FILLER_CHARS]
    return ""
