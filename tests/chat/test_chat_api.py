"""Chat through HTTP with the embedded model: CRUD, streamed replies, stop, JSON mode."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.support.api import assert_error, register


async def _conversation(
    client: httpx.AsyncClient, me: dict[str, Any], **body: Any
) -> dict[str, Any]:
    r = await client.post("/api/chat/conversations", json=body, headers=me["headers"])
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    name = "message"
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
    return events


async def test_conversation_crud_and_ownership(client: httpx.AsyncClient) -> None:
    me = await register(client)
    other = await register(client)
    convo = await _conversation(client, me, system_prompt="Be brief.")
    assert convo["title"] == "New chat" and convo["system_prompt"] == "Be brief."
    r = await client.patch(
        f"/api/chat/conversations/{convo['id']}", json={"title": "Plans"}, headers=me["headers"]
    )
    assert r.json()["title"] == "Plans"
    listing = (await client.get("/api/chat/conversations", headers=me["headers"])).json()
    assert [c["id"] for c in listing["items"]] == [convo["id"]]
    for method in ("GET", "PATCH", "DELETE"):
        r = await client.request(
            method,
            f"/api/chat/conversations/{convo['id']}",
            json={} if method == "PATCH" else None,
            headers=other["headers"],
        )
        assert_error(r, 404, "conversation_not_found")
    assert (
        await client.delete(f"/api/chat/conversations/{convo['id']}", headers=me["headers"])
    ).status_code == 204
    assert (await client.get("/api/chat/conversations", headers=me["headers"])).json()[
        "items"
    ] == []


async def test_a_streamed_reply_is_saved_as_the_sum_of_its_deltas(
    app: FastAPI, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
        me = await register(client)
        convo = await _conversation(client, me)
        async with client.stream(
            "POST",
            f"/api/chat/conversations/{convo['id']}/messages",
            json={"content": "Name three colours.", "max_tokens": 40},
            headers=me["headers"],
        ) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            events = await _events(r)
        kinds = [k for k, _ in events]
        assert kinds[0] == "start" and "done" in kinds
        deltas = [e["content"] for k, e in events if k == "delta"]
        assert len(deltas) >= 3
        done = next(e for k, e in events if k == "done")["message"]
        assert done["content"] == "".join(deltas) and done["status"] == "complete"
        assert done["model"] == "local/smollm2-135m-instruct"
        assert kinds[-1] == "title"
        saved = (
            await client.get(f"/api/chat/conversations/{convo['id']}", headers=me["headers"])
        ).json()
        assert [m["role"] for m in saved["messages"]] == ["user", "assistant"]
        # The streamed message is the stored one, field for field (the time as an instant).
        stored = saved["messages"][1]
        assert datetime.fromisoformat(stored.pop("created_at")) == datetime.fromisoformat(
            done.pop("created_at")
        )
        assert stored == done
        assert saved["title"] != "New chat"


async def test_stopping_keeps_the_partial_reply(app: FastAPI, live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
        me = await register(client)
        convo = await _conversation(client, me)
        deltas: list[str] = []
        done: dict[str, Any] = {}
        async with client.stream(
            "POST",
            f"/api/chat/conversations/{convo['id']}/messages",
            json={"content": "Write a long story about a dragon.", "max_tokens": 400},
            headers=me["headers"],
        ) as r:
            name = ""
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    payload = json.loads(line.split(":", 1)[1])
                    if name == "delta":
                        deltas.append(payload["content"])
                        if len(deltas) == 5:
                            stop = await client.post(
                                f"/api/chat/conversations/{convo['id']}/stop", headers=me["headers"]
                            )
                            assert stop.status_code == 202
                    elif name == "done":
                        done = payload["message"]
        assert done["status"] == "stopped"
        assert 5 <= len(deltas) < 400
        assert done["content"] == "".join(deltas)
        saved = (
            await client.get(f"/api/chat/conversations/{convo['id']}", headers=me["headers"])
        ).json()
        assert saved["messages"][1]["status"] == "stopped"
        assert saved["messages"][1]["content"] == done["content"]


async def test_a_client_that_disconnects_leaves_a_stopped_partial_reply(
    app: FastAPI, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
        me = await register(client)
        convo = await _conversation(client, me)
        async with client.stream(
            "POST",
            f"/api/chat/conversations/{convo['id']}/messages",
            json={"content": "Tell me about the sea.", "max_tokens": 400},
            headers=me["headers"],
        ) as r:
            seen = 0
            async for line in r.aiter_lines():
                if line.startswith("event: delta"):
                    seen += 1
                    if seen == 3:
                        break  # leaving the block closes the connection
        # The messages may not be saved yet (MessageSaver): they are, as 'stopped', soon.
        for _ in range(100):
            saved = (
                await client.get(f"/api/chat/conversations/{convo['id']}", headers=me["headers"])
            ).json()
            if len(saved["messages"]) == 2 and saved["messages"][1]["status"] != "streaming":
                break
            await asyncio.sleep(0.1)
        assert [m["role"] for m in saved["messages"]] == ["user", "assistant"]
        reply = saved["messages"][1]
        assert reply["status"] == "stopped"
        assert reply["content"]


async def test_json_mode_and_history(client: httpx.AsyncClient) -> None:
    me = await register(client)
    convo = await _conversation(client, me, system_prompt="You are terse.")
    for question in ("Say hello.", "Say goodbye."):
        r = await client.post(
            f"/api/chat/conversations/{convo['id']}/messages",
            json={"content": question, "max_tokens": 20},
            headers={**me["headers"], "Accept": "application/json"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["message"]["status"] == "complete" and body["message"]["content"]
        assert body["user_message"]["content"] == question
    saved = (
        await client.get(f"/api/chat/conversations/{convo['id']}", headers=me["headers"])
    ).json()
    assert [m["role"] for m in saved["messages"]] == ["user", "assistant", "user", "assistant"]
    usage = (await client.get("/api/dashboard", headers=me["headers"])).json()["usage"]
    assert usage["totals"]["tokens"] > 0


async def test_models_list_the_embedded_model(client: httpx.AsyncClient) -> None:
    me = await register(client)
    models = (await client.get("/api/chat/models", headers=me["headers"])).json()["items"]
    assert models[0]["id"] == "local/smollm2-135m-instruct"
    assert models[0]["context_window"] and models[0]["default"] is True


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"content": ""}, 422, "validation_error"),
        ({"content": "x" * 20001}, 422, "validation_error"),
        ({"content": "hi", "max_tokens": 0}, 422, "validation_error"),
        ({"content": "hi", "model": "nobody/gpt"}, 400, "unknown_provider"),
        ({"content": "hi", "model": "local/gpt-9"}, 400, "unknown_model"),
    ],
)
async def test_bad_messages_are_refused_and_nothing_is_saved(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, code: str
) -> None:
    me = await register(client)
    convo = await _conversation(client, me)
    r = await client.post(
        f"/api/chat/conversations/{convo['id']}/messages", json=body, headers=me["headers"]
    )
    assert_error(r, status, code)
    saved = (
        await client.get(f"/api/chat/conversations/{convo['id']}", headers=me["headers"])
    ).json()
    assert saved["messages"] == []
