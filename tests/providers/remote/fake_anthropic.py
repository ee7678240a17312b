"""A local server speaking the Anthropic Messages protocol as PROVIDERS.md §2 documents it:
x-api-key and anthropic-version required, named SSE events (message_start,
content_block_start, ping, content_block_delta, content_block_stop, message_delta,
message_stop), `error` events after a 200, and the documented error bodies."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

API_KEY = "sk-ant-api03-test-KEY-abcdefghijklmnop"
REPLY = ["Bonjour", " from", " Claude", "."]
INPUT_TOKENS = 21
MODELS = [("claude-test-1", "Claude Test 1"), ("claude-test-2", "Claude Test 2")]


def error(status: int, type_: str, message: str) -> JSONResponse:
    body = {"type": "error", "error": {"type": type_, "message": message},
            "request_id": "req_018EeWyXxfu5pfWkrYcMdjWG"}  # fmt: skip
    return JSONResponse(body, status_code=status, headers={"request-id": "req_018E"})


def event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()


@dataclass
class FakeAnthropic:
    requests: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[int, str, str, dict[str, str]]] = field(default_factory=list)
    error_after: int | None = None  # send an `error` event after this many tokens
    stop_reason: str = "end_turn"
    pause_after: int | None = None
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    hold_after: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    stream_closed_early: bool = False
    # False: no GET /v1/models route at all (a server that lists no models answers 404).
    lists_models: bool = True

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                *([Route("/v1/models", self.models, methods=["GET"])] if self.lists_models else []),
                Route("/v1/messages", self.messages, methods=["POST"]),
            ]
        )

    def _check(self, request: Request, body: Any) -> Response | None:
        port = request.client.port if request.client else None  # one per connection
        self.requests.append({"headers": dict(request.headers), "body": body,
                              "path": request.url.path, "port": port})  # fmt: skip
        if request.headers.get("anthropic-version") != "2023-06-01":
            return error(400, "invalid_request_error", "anthropic-version header is required")
        if request.headers.get("x-api-key") != API_KEY:
            return error(401, "authentication_error", "invalid x-api-key")
        if self.failures:
            status, type_, message, headers = self.failures.pop(0)
            response = error(status, type_, message)
            response.headers.update(headers)
            return response
        return None

    async def models(self, request: Request) -> Response:
        if (refused := self._check(request, None)) is not None:
            return refused
        data = [{"type": "model", "id": i, "display_name": n,
                 "created_at": "2025-02-19T00:00:00Z"} for i, n in MODELS]  # fmt: skip
        return JSONResponse({"data": data, "has_more": False, "first_id": MODELS[0][0],
                             "last_id": MODELS[-1][0]})  # fmt: skip

    async def messages(self, request: Request) -> Response:
        body = await request.json()
        if (refused := self._check(request, body)) is not None:
            return refused
        problem = self._validate(body)
        if problem:
            return error(400, "invalid_request_error", problem)
        if not body.get("stream"):
            text = json.dumps({"title": "Un titre"})[1:]  # the caller prefilled "{"
            return JSONResponse({
                "id": "msg_1", "type": "message", "role": "assistant",
                "content": [{"type": "text", "text": text}], "model": body["model"],
                "stop_reason": self.stop_reason, "stop_sequence": None,
                "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": 9},
            })  # fmt: skip
        return StreamingResponse(self._stream(body["model"]), media_type="text/event-stream")

    def _validate(self, body: dict[str, Any]) -> str | None:
        if not isinstance(body.get("model"), str) or not isinstance(body.get("max_tokens"), int):
            return "model and max_tokens are required"
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages or messages[0]["role"] != "user":
            return "messages: first message must use the 'user' role"
        for a, b in itertools.pairwise(messages):
            if a["role"] == b["role"]:
                return "messages: roles must alternate between 'user' and 'assistant'"
        if any(m["role"] not in ("user", "assistant") for m in messages):
            return "messages: unexpected role"
        if not 0 <= body.get("temperature", 1) <= 1:
            return "temperature: must be between 0 and 1"
        return None

    async def _stream(self, model: str) -> AsyncIterator[bytes]:
        sent = 0
        try:
            yield event("message_start", {"message": {
                "id": "msg_1", "type": "message", "role": "assistant", "model": model,
                "content": [], "stop_reason": None, "stop_sequence": None,
                "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": 1}}})  # fmt: skip
            yield event("content_block_start", {"index": 0,
                        "content_block": {"type": "text", "text": ""}})  # fmt: skip
            yield event("ping", {})
            for token in REPLY:
                if self.error_after is not None and sent == self.error_after:
                    yield event("error", {"error": {"type": "overloaded_error",
                                                    "message": "Overloaded"}})  # fmt: skip
                    return
                if self.pause_after is not None and sent == self.pause_after:
                    await self.gate.wait()
                if self.hold_after is not None and sent == self.hold_after:
                    await self.release.wait()
                yield event("content_block_delta", {"index": 0,
                            "delta": {"type": "text_delta", "text": token}})  # fmt: skip
                sent += 1
            yield event("content_block_stop", {"index": 0})
            stop = {"stop_reason": self.stop_reason, "stop_sequence": None}
            yield event("message_delta", {"delta": stop, "usage": {"output_tokens": len(REPLY)}})
            yield event("message_stop", {})
        finally:
            self.stream_closed_early = sent < len(REPLY)
