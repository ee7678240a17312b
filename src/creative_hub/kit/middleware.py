"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): request ids, logs, metrics,
body limits, and the last-resort 500."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creative_hub.kit.errors import PayloadTooLarge
from creative_hub.kit.handlers import internal_error_response
from creative_hub.kit.logging import request_id_var

log = structlog.get_logger("creative_hub.http")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_QUIET_PATHS = frozenset({"/api/health", "/metrics"})


class RequestContextMiddleware:
    """Gives each request an id (kept from X-Request-ID when sane), logs and measures it."""

    def __init__(self, app: ASGIApp, metrics: Any) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        token = request_id_var.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        start = time.perf_counter()
        status_code = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status_code, started
            if message["type"] == "http.response.start":
                started = True
                status_code = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # A bug. Answer here, where the request id is still known, rather than in
            # Starlette's outermost handler (which runs after this context is gone).
            if started:
                raise  # too late to answer; the server closes the connection
            log.error("unhandled_error", path=scope["path"], exc_info=exc)
            await internal_error_response(request_id)(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method, template, str(status_code)).inc()
            self.metrics.latency.labels(method, template).observe(elapsed)
            if scope["path"] not in _QUIET_PATHS or status_code >= 400:
                log.info(
                    "request",
                    method=method,
                    path=scope["path"],
                    status=status_code,
                    duration_ms=round(elapsed * 1000, 2),
                    user_id=str(scope.get("state", {}).get("user_id") or "") or None,
                )
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuses bodies over the limit, by Content-Length up front or while streaming."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit
        # Room for the multipart framing around the file; the file itself is held to
        # upload_limit exactly by the upload endpoint.
        self.upload_slack = 64 * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/api/assets":
            limit, allowed = self.upload_limit, self.upload_limit + self.upload_slack
        else:
            limit = allowed = self.json_limit
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > allowed:
            if int(declared) <= allowed + _DRAIN_BYTES:
                await _drain(receive, int(declared))
            await _send_too_large(send, limit)
            return
        received = 0
        too_large = False
        app_started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed:
                    too_large = True
                    raise PayloadTooLarge(too_large_message(limit), details={"max_bytes": limit})
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal app_started
            if too_large and not app_started:
                # Whatever the app makes of the aborted read (FastAPI turns it into a 400
                # "error parsing the body"), the answer is the 413 sent below.
                return
            if message["type"] == "http.response.start":
                app_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not (too_large and not app_started):
                raise
        if too_large and not app_started:
            await _drain(receive, allowed + _DRAIN_BYTES - received)
            await _send_too_large(send, limit)


# How much of a refused body is still read (and thrown away) before the 413. A server
# that answers and closes while the client is still sending resets the connection, and
# the client (a browser's upload, httpx) reports a network error instead of the 413.
_DRAIN_BYTES = 64 * 1024 * 1024


async def _drain(receive: Receive, budget: int) -> None:
    """Read and discard up to `budget` bytes of the body (beyond it: close at once)."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _send_too_large(send: Send, limit: int) -> None:
    body = orjson.dumps(
        {
            "error": {
                "code": "payload_too_large",
                "message": too_large_message(limit),
                "details": {"max_bytes": limit},
            }
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def human_size(n: int) -> str:
    """1536 -> '1.5 KiB', 104857600 -> '100 MiB'."""
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            text = f"{size:.1f}".removesuffix(".0")
            return f"{text} {unit}" if unit != "bytes" else f"{n} bytes"
        size /= 1024
    raise AssertionError("unreachable")


def too_large_message(limit: int) -> str:
    return f"The request body is larger than the {human_size(limit)} limit."


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None
