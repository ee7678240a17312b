"""Form helpers for pages: validate with the API's own Pydantic schemas, errors by field."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from creative_hub.web.render import _

Model = TypeVar("Model", bound=BaseModel)

_GENERIC = {
    "missing": "This field is required.",
    "string_too_short": "This is too short.",
    "string_too_long": "This is too long.",
    "value_error": "This value is not valid.",
    "int_parsing": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "float_parsing": "Enter a number.",
    "greater_than_equal": "This number is too small.",
    "greater_than": "This number is too small.",
    "less_than_equal": "This number is too large.",
    "less_than": "This number is too large.",
    "bool_parsing": "Choose yes or no.",
    "literal_error": "Choose one of the options.",
    "enum": "Choose one of the options.",
}


def field_errors(request: Request, exc: ValidationError) -> dict[str, str]:
    """{field: message} for the first error of each field, in the page's language."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else "__all__"
        if name in errors:
            continue
        message = str(error.get("msg", ""))
        if error.get("type") == "value_error":
            message = message.removeprefix("Value error, ")
            if "email address" in message:
                message = "Enter a valid email address."
        elif error.get("type") in _GENERIC:
            message = _GENERIC[str(error.get("type"))]
        errors[name] = _(request, message)
    return errors


def parse_form(
    request: Request, model: type[Model], data: dict[str, Any]
) -> tuple[Model | None, dict[str, str]]:
    """(model, {}) when valid, else (None, field errors). Empty strings count as missing."""
    cleaned = {k: v for k, v in data.items() if v not in ("", None)}
    try:
        return model.model_validate(cleaned), {}
    except ValidationError as exc:
        return None, field_errors(request, exc)
