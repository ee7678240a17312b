"""The provider is called before the messages are saved (issue 7: first-token overhead),
and the messages are still saved, shown and kept whatever the provider does."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from creative_hub.models.message import Message
from creative_hub.providers.base import (
    Capability,
    ModelInfo,
    ProviderInfo,
    TextRequest,
    TextUsage,
)
from creative_hub.settings import Settings
from tests.support.api import assert_error, register


class GatedText:
    """Streams "one two three" once `go` is set; runs `on_call` when the stream starts."""

    name = "gated"

    def __init__(self, on_call: Callable[[], Awaitable[None]]) -> None:
        self.on_call = on_call
        self.go = asyncio.Event()
        self.called = asyncio.Event()

    def describe(self) -> ProviderInfo:
        return ProviderInfo(
            name=self.name, capability=Capability.text, models=(ModelInfo("m1", "M1"),),
            neural=True, label=self.name, available=True,
        )  # fmt: skip

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncIterator[str]:
        await self.on_call()
        self.called.set()
        await self.go.wait()
        for word in ("one", " two", " three"):
            yield word

    async def generate_json(self, *_: Any, **__: Any) -> dict[str, Any]:
        return {"title": "Counting"}


def _install(app: FastAPI, provider: GatedText) -> None:
    def factory(_settings: Settings) -> GatedText:
        return provider

    app.state.runtime.providers.register(Capability.text, provider.name, factory)


async def _saved_messages(app: FastAPI) -> int:
    async with app.state.runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Message)) or 0)


async def _start(client: httpx.AsyncClient, me: dict[str, Any]) -> str:
    r = await client.post(
        "/api/chat/conversations", json={"model": "gated/m1"}, headers=me["headers"]
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@contextlib.asynccontextmanager
async def _reply_started(
    client: httpx.AsyncClient, me: dict[str, Any], convo: str, content: str, provider: GatedText
) -> AsyncIterator[AsyncIterator[str]]:
    """The reply's SSE lines, once `start` has come and the provider has been called;
    leaving the block closes the connection."""
    url = f"/api/chat/conversations/{convo}/messages"
    async with client.stream("POST", url, json={"content": content}, headers=me["headers"]) as r:
        lines = r.aiter_lines()
        assert await anext(lines) == "event: start"
        await provider.called.wait()
        yield lines


async def _messages_when(
    client: httpx.AsyncClient,
    me: dict[str, Any],
    convo: str,
    ready: Callable[[list[dict[str, Any]]], bool],
) -> list[dict[str, Any]]:
    """The conversation's messages once `ready` holds for them (or after ~5 s)."""
    for _ in range(100):
        got = await client.get(f"/api/chat/conversations/{convo}", headers=me["headers"])
        messages: list[dict[str, Any]] = got.json()["messages"]
        if ready(messages):
            break
        await asyncio.sleep(0.05)
    return messages


async def _assert_shown_streaming(
    client: httpx.AsyncClient, me: dict[str, Any], convo: str
) -> None:
    """The conversation shows the user's message and the reply, still streaming."""
    messages = await _messages_when(client, me, convo, lambda m: len(m) == 2)
    assert [(m["role"], m["status"]) for m in messages] == [
        ("user", "complete"),
        ("assistant", "streaming"),
    ]


async def test_the_provider_starts_first_and_the_messages_show_before_its_first_token(
    app: FastAPI, live_server: str
) -> None:
    seen_at_call: list[int] = []

    async def count_saved() -> None:
        seen_at_call.append(await _saved_messages(app))

    provider = GatedText(count_saved)
    _install(app, provider)
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        me = await register(client)
        convo = await _start(client, me)
        async with _reply_started(client, me, convo, "Count.", provider) as lines:
            # A model that takes its time: the user's message is in the conversation anyway.
            await _assert_shown_streaming(client, me, convo)
            provider.go.set()
            rest = [line async for line in lines]
        got = await client.get(f"/api/chat/conversations/{convo}", headers=me["headers"])
    assert seen_at_call[0] == 0  # the provider was called before anything was written
    done = next(
        json.loads(rest[i + 1].removeprefix("data:"))
        for i, line in enumerate(rest)
        if line == "event: done"
    )
    assert done["message"]["content"] == "one two three"
    saved = got.json()["messages"]
    assert saved[1]["content"] == "one two three" and saved[1]["status"] == "complete"


async def test_a_conversation_deleted_before_the_save_ends_the_reply_with_a_clear_error(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    holder: dict[str, str] = {}

    async def delete_conversation() -> None:
        r = await client.delete(f"/api/chat/conversations/{holder['id']}", headers=me["headers"])
        assert r.status_code == 204

    provider = GatedText(delete_conversation)
    provider.go.set()
    _install(app, provider)
    holder["id"] = await _start(client, me)
    url = f"/api/chat/conversations/{holder['id']}/messages"
    r = await client.post(url, json={"content": "Count."}, headers=me["headers"])
    kinds = [
        line.split(":", 1)[1].strip() for line in r.text.splitlines() if line.startswith("event:")
    ]
    assert kinds[0] == "start" and kinds[-1] == "error" and "done" not in kinds
    assert '"code":"not_saved"' in r.text
    assert await _saved_messages(app) == 0  # nothing half-written

    holder["id"] = await _start(client, me)
    url = f"/api/chat/conversations/{holder['id']}/messages"
    r = await client.post(
        url, json={"content": "Count."}, headers={**me["headers"], "Accept": "application/json"}
    )
    assert_error(r, 409, "not_saved")
    assert await _saved_messages(app) == 0


async def test_leaving_before_the_first_token_keeps_the_message_and_a_stopped_reply(
    app: FastAPI, live_server: str
) -> None:
    async def nothing() -> None:
        return None

    provider = GatedText(nothing)  # never lets a token out
    _install(app, provider)
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        me = await register(client)
        convo = await _start(client, me)
        async with _reply_started(client, me, convo, "Hello?", provider):
            pass
        # Leaving the block closed the connection before any token came.
        messages = await _messages_when(
            client, me, convo, lambda m: len(m) == 2 and m[1]["status"] != "streaming"
        )
    assert [(m["role"], m["status"], m["content"]) for m in messages] == [
        ("user", "complete", "Hello?"),
        ("assistant", "stopped", ""),
    ]


async def test_leaving_before_the_stream_begins_keeps_the_message_and_a_stopped_reply(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # The client is gone before the response's first byte: the event stream never starts,
    # so its own cleanup never runs. Driven through ASGI to leave at exactly that point:
    # the headers cannot be written (a client that stopped reading), then it disconnects.
    async def nothing() -> None:
        return None

    provider = GatedText(nothing)  # never lets a token out
    _install(app, provider)
    me = await register(client)
    convo = await _start(client, me)
    path = f"/api/chat/conversations/{convo}/messages"
    headers = [(b"content-type", b"application/json"), (b"accept", b"text/event-stream")]
    headers += [(k.lower().encode(), v.encode()) for k, v in me["headers"].items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": "POST", "scheme": "http", "path": path,
        "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    incoming = [
        {"type": "http.request", "body": json.dumps({"content": "Hello?"}).encode()},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if len(incoming) > 1 else incoming[0]

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.start":
            await asyncio.Event().wait()  # blocked until the disconnect cancels it

    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    assert [m["type"] for m in sent] == ["http.response.start"]
    await asyncio.sleep(0.5)  # past the moment the messages would be saved as 'streaming'
    got = await client.get(f"/api/chat/conversations/{convo}", headers=me["headers"])
    assert [(m["role"], m["status"], m["content"]) for m in got.json()["messages"]] == [
        ("user", "complete", "Hello?"),
        ("assistant", "stopped", ""),
    ]


class PausedText(GatedText):
    """Streams "one", then waits for `go` before " two three"."""

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncIterator[str]:
        yield "one"
        await self.go.wait()
        for word in (" two", " three"):
            yield word


async def test_a_streaming_reply_shows_in_the_conversation_before_it_ends(
    app: FastAPI, live_server: str
) -> None:
    # Another tab, or a reload, mid-reply: the messages are saved while the reply streams,
    # not only when it ends.
    async def nothing() -> None:
        return None

    provider = PausedText(nothing)
    _install(app, provider)
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        me = await register(client)
        convo = await _start(client, me)
        url = f"/api/chat/conversations/{convo}/messages"
        body = {"content": "Count."}
        async with client.stream("POST", url, json=body, headers=me["headers"]) as r:
            lines = r.aiter_lines()
            async for line in lines:
                if line == "event: delta":
                    break
            await _assert_shown_streaming(client, me, convo)
            provider.go.set()
            rest = [line async for line in lines]
        assert "event: done" in rest
        got = await client.get(f"/api/chat/conversations/{convo}", headers=me["headers"])
    saved = got.json()["messages"][1]
    assert (saved["status"], saved["content"]) == ("complete", "one two three")
