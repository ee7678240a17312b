"""Turning imperfect model output into a value that fits the schema, deterministically.

Two steps: `parse_lenient` recovers JSON from text that was cut off (max_tokens) or wrapped
in prose; `conform` keeps every part of a value that is valid and rebuilds the rest from
the schema (defaults, enum members, bounds), so its result always validates against a
schema accepted by json_schema.check_schema.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from creative_hub.providers.local.llama.json_schema import Schema, errors, is_type, types_of

_CLOSERS = {"{": "}", "[": "]"}
# How far back from the end to look for a point where the text can be closed off.
_MAX_CUTS = 2000


def parse_lenient(text: str) -> Any | None:
    """The JSON value in `text`, closing strings/brackets left open; None if there is none."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    body = text[start:]
    try:  # a complete value, maybe followed by chatter
        value, _ = json.JSONDecoder().raw_decode(body)
        return value
    except ValueError:
        pass
    # Cut back from the end until what is left, once closed, parses. The closing suffix
    # for every prefix comes from one pass, so this stays linear in Python code.
    closers = _closers_by_length(body)
    for cut in range(len(body), max(0, len(body) - _MAX_CUTS), -1):
        prefix = body[:cut].rstrip().rstrip(",").rstrip()
        suffix = closers[len(prefix)]
        if suffix is None:
            continue
        try:
            return json.loads(prefix + suffix)
        except ValueError:
            continue
    return None


def _closers_by_length(body: str) -> list[str | None]:
    """For each prefix length, what closes it (None where it cannot be closed)."""
    stack: list[str] = []
    in_string = escaped = broken = False
    result: list[str | None] = [""]
    for char in body:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif char in "}]" and (not stack or stack.pop() != char):
            broken = True
        if broken or escaped:
            result.append(None)
        else:
            result.append(('"' if in_string else "") + "".join(reversed(stack)))
    return result


def conform(value: Any, schema: Schema, filler: str) -> Any:
    """`value` made valid: valid parts kept, the rest built from the schema.

    `filler` is the text used for strings nothing else provides (e.g. the user's request).
    """
    if not errors(value, schema):
        return value
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kinds = types_of(schema)
    kind = next((k for k in kinds if is_type(value, k)), None)
    if kind is None:
        kind = next((k for k in kinds if _convertible(value, k)), kinds[0])
    if kind == "object":
        return _conform_object(value if isinstance(value, dict) else {}, schema, filler)
    if kind == "array":
        return _conform_array(value if isinstance(value, list) else [], schema, filler)
    if kind == "string":
        return _fit_string(_as_text(value), schema, filler)
    if kind in ("integer", "number"):
        return _fit_number(value, schema, integer=kind == "integer")
    if kind == "boolean":
        return value if isinstance(value, bool) else _default(schema, False)
    return None


def skeleton(schema: Schema, filler: str) -> Any:
    """A valid value with nothing to keep: the schema's default, else one built from it."""
    if "default" in schema and not errors(schema["default"], schema):
        return schema["default"]
    return conform(_NOTHING, schema, filler)


class _Nothing:
    """Matches no JSON type, so conform builds every part from the schema."""


_NOTHING = _Nothing()


def _conform_object(value: dict[str, Any], schema: Schema, filler: str) -> dict[str, Any]:
    properties: Mapping[str, Schema] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    result: dict[str, Any] = {}
    for name, item in value.items():
        if name in properties:
            result[name] = conform(item, properties[name], filler)
        elif isinstance(extra, Mapping):
            result[name] = conform(item, extra, filler)
        elif extra is not False:
            result[name] = item
    for name in schema.get("required", []):
        if name not in result:
            result[name] = skeleton(properties[name], filler)
    return result


def _conform_array(value: list[Any], schema: Schema, filler: str) -> list[Any]:
    items: Schema | None = schema.get("items")
    kept = [conform(item, items, filler) for item in value] if items else list(value)
    kept = kept[: schema.get("maxItems", len(kept))]
    while len(kept) < schema.get("minItems", 0):
        kept.append(skeleton(items, filler) if items else None)
    return kept


def _fit_string(text: str, schema: Schema, filler: str) -> str:
    text = text.strip() or _default(schema, "") or filler.strip() or "untitled"
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    while len(text) < low:
        text = f"{text} {filler.strip() or text}"
    if high is not None and len(text) > high:
        # Cut at a word boundary when one is near, so a shortened line still reads well.
        cut = text[:high]
        space = cut.rfind(" ")
        if space >= high * 0.6:
            cut = cut[:space].rstrip(" ,;:-")
        text = cut if len(cut) >= low else text[:high]
    return text


def _fit_number(value: Any, schema: Schema, *, integer: bool) -> float | int:
    number = _as_number(value)
    if number is None:
        default = _default(schema, 0)
        number = default if isinstance(default, int | float) else 0
    low = max(schema.get("minimum", -math.inf), schema.get("exclusiveMinimum", -math.inf))
    high = min(schema.get("maximum", math.inf), schema.get("exclusiveMaximum", math.inf))
    number = min(max(float(number), low), high)
    open_low, open_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if integer:
        whole = round(number)
        if whole < low:
            whole = math.ceil(low)
        if whole > high:
            whole = math.floor(high)
        if open_low is not None and whole <= open_low:
            whole = math.floor(open_low) + 1
        if open_high is not None and whole >= open_high:
            whole = math.ceil(open_high) - 1
        return int(whole)
    # Step off an exclusive bound into the open range (halfway to the other bound).
    if open_low is not None and number <= open_low:
        number = open_low + 1 if open_low + 1 < high else (open_low + high) / 2
    if open_high is not None and number >= open_high:
        number = open_high - 1 if open_high - 1 > low else (open_high + low) / 2
    return float(number)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is _NOTHING:
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        return parsed if math.isfinite(parsed) else None
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is _NOTHING or isinstance(value, dict | list):
        return ""
    return json.dumps(value)


def _convertible(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, int | float | bool)
    if kind in ("integer", "number"):
        return _as_number(value) is not None
    return False


def _default(schema: Schema, fallback: Any) -> Any:
    default = schema.get("default", fallback)
    return default if not errors(default, schema) else fallback
