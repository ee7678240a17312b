"""ProviderHttp against a local server: retries, error codes, host checks; the circuit
breaker with a fake clock; SSE parsing across chunk boundaries; error body shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from creative_hub.providers.base import ProviderError
from creative_hub.providers.remote.circuit import CircuitBreaker
from creative_hub.providers.remote.http import HttpPolicy, ProviderHttp, provider_message
from creative_hub.providers.remote.sse import sse_events
from tests.providers.remote.conftest import StartServer

Script = list[tuple[int, Any, dict[str, str]]]


def scripted_app(script: Script, seen: list[str]) -> Starlette:
    """Answers each request with the next (status, json body, headers) of the script."""

    async def endpoint(request: Request) -> Response:
        seen.append(request.url.path)
        status, body, headers = script.pop(0) if script else (200, {"ok": True}, {})
        return JSONResponse(body, status_code=status, headers=headers)

    async def events(_request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            # Lines split across chunks, a comment, a two-line data field, no final blank.
            for part in (b'event: a\nda', b'ta: {"x"', b": 1}\n\n: keep-alive\n\n",
                         b"data: line one\ndata: line two\n\nid: 7\ndata: [DONE]"):  # fmt: skip
                yield part

        return StreamingResponse(chunks(), media_type="text/event-stream")

    async def crlf_events(_request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            # A CRLF cut between chunks, a UTF-8 character cut in two, CR-only endings.
            for part in (b"event: b\r", b"\ndata: caf\xc3", b"\xa9\r\n\r\n", b"data: cr\r\r"):
                yield part

        return StreamingResponse(chunks(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/v1/events", events),
            Route("/v1/crlf-events", crlf_events),
            Route("/{path:path}", endpoint, methods=["GET", "POST"]),
        ]
    )


@pytest.fixture
async def client_for(protocol_server: StartServer) -> AsyncIterator[Any]:
    clients: list[ProviderHttp] = []

    async def make(script: Script, seen: list[str], **policy: Any) -> ProviderHttp:
        base = await protocol_server(scripted_app(script, seen))
        client = ProviderHttp(
            "prov", f"{base}/v1", secrets=("sk-secret-abcdef",),
            policy=HttpPolicy(backoff_base=0.01, **policy),
        )  # fmt: skip
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def openai_error(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


async def test_5xx_is_retried_until_success(client_for: Any) -> None:
    seen: list[str] = []
    boom = openai_error("boom", "server_error")
    http = await client_for([(500, boom, {}), (502, boom, {})], seen, max_retries=2)
    assert await http.json("GET", "models") == {"ok": True}
    assert seen == ["/v1/models"] * 3
    assert http.breaker.health().state == "closed"


async def test_x_should_retry_false_is_obeyed(client_for: Any) -> None:
    seen: list[str] = []
    http = await client_for([(503, openai_error("down", "server_error"),
                              {"x-should-retry": "false"})], seen)  # fmt: skip
    with pytest.raises(ProviderError) as caught:
        await http.json("GET", "models")
    assert caught.value.code == "provider_unavailable" and len(seen) == 1
    assert caught.value.message == "prov: down (HTTP 503)"


async def test_429_after_the_last_retry_is_rate_limited(client_for: Any) -> None:
    seen: list[str] = []
    limited = openai_error("slow down", "requests", "rate_limit_exceeded")
    http = await client_for([(429, limited, {"retry-after-ms": "10"})] * 2, seen, max_retries=1)
    with pytest.raises(ProviderError) as caught:
        await http.json("POST", "chat/completions", json={})
    assert caught.value.code == "rate_limited" and len(seen) == 2
    assert http.breaker.health().consecutive_failures == 0  # it answered: not "down"


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (401, openai_error("Incorrect API key provided: sk-secret-abcdef", "invalid_request_error",
                           "invalid_api_key"), "invalid_api_key"),
        (403, {"detail": {"status": "forbidden", "message": "no access"}}, "invalid_api_key"),
        (400, openai_error("Your request was rejected by our safety system",
                           "image_generation_user_error", "content_policy_violation"),
         "content_rejected"),
        (404, openai_error("The model does not exist", "invalid_request_error"), "provider_error"),
        (422, {"detail": [{"loc": ["body", "prompt"], "msg": "field required"}]}, "provider_error"),
    ],
)  # fmt: skip
async def test_status_codes_map_to_stable_codes(
    client_for: Any, status: int, body: Any, code: str
) -> None:
    http = await client_for([(status, body, {})], [])
    with pytest.raises(ProviderError) as caught:
        await http.json("POST", "x", json={})
    assert caught.value.code == code
    assert "sk-secret-abcdef" not in caught.value.message  # a provider echoing the key


async def test_connection_failures_are_unavailable_and_open_the_circuit() -> None:
    http = ProviderHttp(
        "gone", "http://127.0.0.1:9/v1", policy=HttpPolicy(max_retries=1, backoff_base=0.01),
        breaker=CircuitBreaker(failure_threshold=2, cooldown_seconds=60),
    )  # fmt: skip
    try:
        for _ in range(2):
            with pytest.raises(ProviderError) as caught:
                await http.json("GET", "models")
            assert caught.value.code == "provider_unavailable"
        with pytest.raises(ProviderError) as caught:
            await http.json("GET", "models")
        assert "unhealthy after 2 failures" in caught.value.message
        assert http.breaker.health().state == "open"
    finally:
        await http.aclose()


def test_circuit_half_opens_for_one_probe_after_the_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=30, clock=lambda: now[0])
    breaker.record_failure("a")
    assert breaker.allow()
    breaker.record_failure("b")
    assert not breaker.allow() and breaker.health().retry_in_seconds == 30
    now[0] = 31
    assert breaker.state == "half_open"
    assert breaker.allow() and not breaker.allow()  # one probe at a time
    breaker.record_failure("c")  # the probe failed: open again, cool-down restarts
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 62
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.health().consecutive_failures == 0


async def test_downloads_only_from_the_configured_host(client_for: Any) -> None:
    http = await client_for([], [])
    assert await http.download("/v1/files/a.png") == b'{"ok":true}'
    other_port = http.base_url.copy_with(port=(http.base_url.port or 80) + 1)
    for url in (str(other_port.join("a.png")), "http://192.0.2.1/a.png", "file:///etc/passwd"):
        with pytest.raises(ProviderError, match="another host"):
            await http.download(url)


async def test_sse_events_survive_chunk_boundaries(client_for: Any) -> None:
    http = await client_for([], [])
    async with http.stream("GET", "events") as response:
        events = [(e.event, e.data, e.id) async for e in sse_events(response)]
    assert events == [
        ("a", '{"x": 1}', None),
        ("message", "line one\nline two", None),
        ("message", "[DONE]", "7"),
    ]
    async with http.stream("GET", "crlf-events") as response:
        events = [(e.event, e.data, e.id) async for e in sse_events(response)]
    assert events == [("b", "café", None), ("message", "cr", None)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
         "Overloaded"),
        ({"id": "x", "name": "bad_request", "errors": ["prompt: too long", "seed: bad"]},
         "prompt: too long; seed: bad"),
        ({"title": "Unauthenticated", "detail": "Invalid token", "status": 401}, "Invalid token"),
        ({"error": "OutOfMemoryError", "detail": "", "body": "", "errors": "CUDA out of memory"},
         "CUDA out of memory"),
    ],
)  # fmt: skip
def test_provider_messages_from_each_error_shape(body: Any, message: str) -> None:
    assert provider_message(httpx.Response(400, json=body))[0] == message


def test_plain_text_error_bodies() -> None:
    assert provider_message(httpx.Response(502, text="Bad Gateway"))[0] == "Bad Gateway"
