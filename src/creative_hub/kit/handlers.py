"""Exception handlers: every error leaves as {"error": {code, message, details}}, no traces."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from creative_hub.kit.errors import AppError
from creative_hub.kit.logging import request_id_var

log = structlog.get_logger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def _error(
    status: int, code: str, message: str, details: Any = None, headers: Any = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": message, "details": details}},
        headers=headers,
    )


async def app_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return _error(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


def _clean(error: dict[str, Any]) -> dict[str, Any]:
    # Never echo the input back: it may be a password or a huge body.
    field = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body",)) or None
    return {"field": field, "loc": list(error.get("loc", ())), "message": error.get("msg", ""),
            "type": error.get("type", "")}  # fmt: skip


async def validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_clean(e) for e in exc.errors()]
    if any(e["type"] == "json_invalid" for e in errors):
        return _error(400, "invalid_json", "The request body is not valid JSON.", errors)
    fields = ", ".join(sorted({e["field"] or "request" for e in errors}))
    return _error(422, "validation_error", f"Some fields are invalid: {fields}.", errors)


async def http_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be processed."
    if exc.status_code == 404:
        message = "Nothing here: check the path."
    return _error(exc.status_code, code, message, headers=getattr(exc, "headers", None))


def internal_error_response(request_id: str | None) -> JSONResponse:
    """The 500 a client sees for a bug: the request id to quote, nothing about the bug."""
    return _error(
        500,
        "internal_error",
        "Something went wrong on our side; it has been logged. "
        "Quote the request id if you report it.",
        {"request_id": request_id},
        headers={"X-Request-ID": request_id} if request_id else None,
    )


async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    # Normally RequestContextMiddleware answers first (it knows the request id); this is
    # the last resort for errors outside it.
    request_id = request_id_var.get()
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    return internal_error_response(request_id)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unhandled_error_handler)
