"""The Anthropic adapter, driven through the hub's HTTP API against a local server that
speaks the Messages protocol (fake_anthropic.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from creative_hub.providers.base import ChatMessage, TextRequest, TextUsage
from tests.providers.remote.conftest import Hub, StartServer, chat, chat_and_stop, eventually
from tests.providers.remote.fake_anthropic import API_KEY, INPUT_TOKENS, REPLY, FakeAnthropic


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    server = FakeAnthropic()
    yield server
    server.gate.set()
    server.release.set()


async def add_anthropic(
    hub: Hub, protocol_server: StartServer, fake: FakeAnthropic, **settings: Any
) -> dict[str, Any]:
    return await hub.add_provider(
        kind="anthropic",
        name="an",
        base_url=await protocol_server(fake.app()),
        api_key=settings.pop("key", API_KEY),
        settings={"max_retries": 1, **settings},
    )


def outcome(events: list[Any]) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    text = "".join(d["content"] for k, d in events if k == "delta")
    error = next((d for k, d in events if k == "error"), None)
    done = next(d for k, d in events if k == "done")["message"]
    return text, error, done


async def test_chat_streams_the_messages_protocol(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    await add_anthropic(hub, protocol_server, fake)
    models = await hub.client.get("/api/chat/models", headers=hub.user["headers"])
    listed = {m["id"]: m["name"] for m in models.json()["items"]}
    assert listed["an/claude-test-1"] == "Claude Test 1"

    events = await chat(hub, "an/claude-test-2", "Salut", system_prompt="Be brief.")
    text, error, done = outcome(events)
    assert error is None and text == "".join(REPLY)
    assert done["status"] == "complete"
    assert (done["prompt_tokens"], done["completion_tokens"]) == (INPUT_TOKENS, len(REPLY))
    call = next(r for r in fake.requests if r["path"] == "/v1/messages" and r["body"]["stream"])
    assert call["headers"]["x-api-key"] == API_KEY
    assert call["headers"]["anthropic-version"] == "2023-06-01"
    assert "authorization" not in call["headers"]
    assert call["body"]["model"] == "claude-test-2"
    assert call["body"]["system"] == "Be brief."
    assert call["body"]["messages"] == [{"role": "user", "content": "Salut"}]


async def test_replies_one_after_another_share_one_connection(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    """Read to the end after message_stop, the connection goes back to the pool."""
    await add_anthropic(hub, protocol_server, fake)
    for _ in range(2):
        assert outcome(await chat(hub, "an/claude-test-2"))[1] is None
    calls = [r for r in fake.requests if r["path"] == "/v1/messages"]
    assert len(calls) >= 3 and len({r["port"] for r in calls}) == 1


async def test_structured_output_prefills_and_validates(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    await add_anthropic(hub, protocol_server, fake)
    provider = hub.app.state.runtime.providers.text("an")
    usage = TextUsage()
    schema = {"type": "object", "properties": {"title": {"type": "string"}},
              "required": ["title"]}  # fmt: skip
    value = await provider.generate_json(
        TextRequest([ChatMessage("user", "Name it")], model="claude-test-1"), schema, usage
    )
    assert value == {"title": "Un titre"}
    assert usage.prompt_tokens == INPUT_TOKENS
    body = fake.requests[-1]["body"]
    assert body["messages"][-1] == {"role": "assistant", "content": "{"}
    assert "JSON" in body["system"]


async def test_wrong_key_is_invalid_api_key(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    await add_anthropic(hub, protocol_server, fake, key="sk-ant-wrong-000000000")
    _text, error, done = outcome(await chat(hub, "an/claude-test-1"))
    assert error is not None and error["code"] == "invalid_api_key"
    assert "invalid x-api-key" in error["message"]
    assert done["status"] == "failed"


async def test_429_then_success_and_overloaded_after_retries(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    await add_anthropic(hub, protocol_server, fake)
    fake.failures.append((429, "rate_limit_error", "Number of requests exceeded",
                          {"retry-after": "0"}))  # fmt: skip
    text, error, _ = outcome(await chat(hub, "an/claude-test-1"))
    assert error is None and text == "".join(REPLY)
    fake.failures += [(529, "overloaded_error", "Overloaded", {})] * 2
    _, error, _ = outcome(await chat(hub, "an/claude-test-1"))
    assert error is not None and error["code"] == "provider_unavailable"
    assert "Overloaded" in error["message"]


async def test_errors_inside_the_stream(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    await add_anthropic(hub, protocol_server, fake)
    fake.error_after = 2
    text, error, done = outcome(await chat(hub, "an/claude-test-1"))
    assert error is not None and error["code"] == "provider_unavailable"
    assert text == "".join(REPLY[:2]) and done["content"] == text  # the partial reply is kept
    fake.error_after, fake.stop_reason = None, "refusal"
    _, error, _ = outcome(await chat(hub, "an/claude-test-1"))
    assert error is not None and error["code"] == "content_rejected"


async def test_a_stream_that_stalls_or_stops_early(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer
) -> None:
    await add_anthropic(hub, protocol_server, fake, timeout=0.3, max_retries=0)
    fake.hold_after = 1  # one token, then silence: the read timeout ends it
    _, error, done = outcome(await chat(hub, "an/claude-test-1"))
    assert error is not None and error["code"] == "provider_unavailable"
    assert done["content"] == REPLY[0]


async def test_stop_mid_stream(
    hub: Hub, fake: FakeAnthropic, protocol_server: StartServer, live_server: str
) -> None:
    await add_anthropic(hub, protocol_server, fake)
    fake.pause_after, fake.hold_after = 1, 2
    deltas, done = await chat_and_stop(hub, live_server, "an/claude-test-1", 1, fake.gate.set)
    assert done["status"] == "stopped"
    assert done["content"] == "".join(deltas) and len(deltas) < len(REPLY)
    assert await eventually(lambda: fake.stream_closed_early)
