"""A small JSON Schema validator for the subset structured output uses.

jsonschema is not a dependency, and generate_json promises that every result validates:
so the schemas it accepts are limited to keywords checked here (and that the repair step
can satisfy). Anything else is refused up front with a message naming the keyword.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from creative_hub.providers.base import ProviderError

Schema = Mapping[str, Any]

ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$schema", "$id", "$comment"}
)
KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    }
)
TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})


def types_of(schema: Schema) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return [kind] if isinstance(kind, str) else list(kind)


def check_schema(schema: Any, path: str = "$") -> None:
    """Raise ProviderError('invalid_schema') unless every keyword is one we can honour."""
    if not isinstance(schema, Mapping):
        raise _bad(path, "a schema must be a JSON object")
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    if unknown:
        raise _bad(
            path,
            f"unsupported keyword(s) {sorted(unknown)}; supported: {sorted(KEYWORDS)}",
        )
    kinds = types_of(schema)
    if not kinds or any(k not in TYPES for k in kinds):
        raise _bad(path, f"'type' must be one or a list of {sorted(TYPES)}")
    if "enum" in schema and (not isinstance(schema["enum"], list) or not schema["enum"]):
        raise _bad(path, "'enum' must be a non-empty list")
    for low, high in (("minLength", "maxLength"), ("minItems", "maxItems")):
        for key in (low, high):
            value = schema.get(key)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise _bad(path, f"'{key}' must be a non-negative integer")
        if schema.get(low, 0) > schema.get(high, math.inf):
            raise _bad(path, f"'{low}' is greater than '{high}'")
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        value = schema.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _bad(path, f"'{key}' must be a number")
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        raise _bad(path, "'properties' must be an object")
    for name, sub in properties.items():
        check_schema(sub, f"{path}.{name}")
    required = schema.get("required", [])
    if not isinstance(required, list) or any(name not in properties for name in required):
        raise _bad(path, "'required' must list names defined in 'properties'")
    extra = schema.get("additionalProperties", True)
    if not isinstance(extra, bool):
        check_schema(extra, f"{path}.additionalProperties")
    if "items" in schema:
        check_schema(schema["items"], f"{path}[]")
    # Constants and enum members must themselves satisfy the rest of the schema.
    rest = {k: v for k, v in schema.items() if k not in ("enum", "const")}
    for value in ([schema["const"]] if "const" in schema else []) + schema.get("enum", []):
        if errors(value, rest):
            raise _bad(path, f"the allowed value {value!r} does not match the schema")


def errors(value: Any, schema: Schema, path: str = "$") -> list[str]:
    """Every way `value` breaks `schema` ([] when it validates)."""
    found: list[str] = []
    if "const" in schema and not _same(value, schema["const"]):
        found.append(f"{path}: must be {schema['const']!r}")
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        found.append(f"{path}: must be one of {schema['enum']!r}")
    kinds = types_of(schema)
    if kinds and not any(is_type(value, kind) for kind in kinds):
        return [*found, f"{path}: must be of type {' or '.join(kinds)}"]
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            found.append(f"{path}: shorter than {schema['minLength']} characters")
        if len(value) > schema.get("maxLength", math.inf):
            found.append(f"{path}: longer than {schema['maxLength']} characters")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found.extend(_number_errors(value, schema, path))
    elif isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{path}: fewer than {schema['minItems']} items")
        if len(value) > schema.get("maxItems", math.inf):
            found.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for index, item in enumerate(value):
                found.extend(errors(item, schema["items"], f"{path}[{index}]"))
    elif isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{path}: missing required property {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                found.extend(errors(item, properties[name], f"{path}.{name}"))
            elif extra is False:
                found.append(f"{path}: unexpected property {name!r}")
            elif isinstance(extra, Mapping):
                found.extend(errors(item, extra, f"{path}.{name}"))
    return found


def is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if kind == "integer":
        return isinstance(value, int) or (math.isfinite(value) and value == int(value))
    return math.isfinite(value)  # number


def _number_errors(value: float, schema: Schema, path: str) -> list[str]:
    found = []
    if "minimum" in schema and value < schema["minimum"]:
        found.append(f"{path}: below the minimum {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        found.append(f"{path}: above the maximum {schema['maximum']}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        found.append(f"{path}: must be greater than {schema['exclusiveMinimum']}")
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        found.append(f"{path}: must be less than {schema['exclusiveMaximum']}")
    return found


def _same(a: Any, b: Any) -> bool:
    # JSON equality: True is not 1, but 1 and 1.0 are the same number.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def _bad(path: str, message: str) -> ProviderError:
    return ProviderError("invalid_schema", f"JSON schema at {path}: {message}.")
