"""The OpenAI-compatible adapter, driven through the hub's HTTP API against a local server
that speaks the OpenAI protocol (fake_openai.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from creative_hub.providers.base import ChatMessage, TextRequest, TextUsage
from tests.providers.remote.conftest import (
    Hub,
    StartServer,
    chat,
    chat_and_stop,
    eventually,
    usage_rows,
)
from tests.providers.remote.fake_openai import API_KEY, REPLY, USAGE, FakeOpenAI, wav_bytes
from tests.support.api import upload, wait_for_status


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.gate.set()  # release anything still waiting, so the server can stop
    server.release.set()


async def add_openai(
    hub: Hub, base_url: str, *, key: str = API_KEY, **settings: Any
) -> dict[str, Any]:
    return await hub.add_provider(
        kind="openai_compatible",
        name="oa",
        base_url=f"{base_url}/v1",
        api_key=key,
        settings={"max_retries": 1, **settings},
    )


async def test_models_are_listed_and_chat_streams_through_the_hub(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    listed = await hub.client.get("/api/chat/models", headers=hub.user["headers"])
    ids = {m["id"] for m in listed.json()["items"]}
    assert "oa/gpt-test" in ids and "oa/text-embedding-3-small" not in ids
    images = await hub.client.get("/api/images/models", headers=hub.user["headers"])
    assert "oa/gpt-image-1" in {m["id"] for m in images.json()["items"]}

    events = await chat(hub, "oa/gpt-test", "Say hello")
    deltas = [data["content"] for kind, data in events if kind == "delta"]
    assert "".join(deltas) == "".join(REPLY)
    done = next(data for kind, data in events if kind == "done")["message"]
    assert done["status"] == "complete"
    assert done["model"] == "oa/gpt-test"
    # The provider's own token counts, not an estimate.
    assert (done["prompt_tokens"], done["completion_tokens"]) == (
        USAGE["prompt_tokens"],
        USAGE["completion_tokens"],
    )
    call = next(
        r for r in fake.requests if r["path"] == "/v1/chat/completions" and r["body"]["stream"]
    )
    assert call["headers"]["authorization"] == f"Bearer {API_KEY}"
    assert call["body"]["model"] == "gpt-test"
    assert call["body"]["stream_options"] == {"include_usage": True}
    assert call["body"]["messages"][-1] == {"role": "user", "content": "Say hello"}


async def test_replies_one_after_another_share_one_connection(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    """The stream is read to its end after [DONE], so the connection is reused: a new
    one per reply would sit on every first token's path."""
    await add_openai(hub, await protocol_server(fake.app()))
    for _ in range(2):  # each reply, and the title after the first one
        assert next(d for k, d in await chat(hub, "oa/gpt-test") if k == "done")
    calls = [r for r in fake.requests if r["path"] == "/v1/chat/completions"]
    assert len(calls) >= 3 and len({r["port"] for r in calls}) == 1


async def test_stop_mid_stream_keeps_the_partial_reply_and_hangs_up(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer, live_server: str
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    # Two tokens, then one more once the stop is sent, then nothing until the hub hangs up.
    fake.pause_after, fake.hold_after = 2, 3
    deltas, done = await chat_and_stop(hub, live_server, "oa/gpt-test", 2, fake.gate.set)
    assert done["status"] == "stopped"
    assert done["content"] == "".join(deltas)
    assert len(deltas) < len(REPLY)
    assert await eventually(lambda: fake.stream_closed_early)  # the hub hung up


async def test_wrong_key_is_invalid_api_key_with_the_providers_message(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()), key="sk-wrong-key-999999")
    events = await chat(hub, "oa/gpt-test")
    error = next(data for kind, data in events if kind == "error")
    assert error["code"] == "invalid_api_key"
    assert "Incorrect API key provided" in error["message"]
    assert next(data for kind, data in events if kind == "done")["message"]["status"] == "failed"


async def test_429_is_retried_after_the_servers_retry_after(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    fake.requests.clear()
    limited = {"error": {"message": "Rate limit reached", "type": "requests",
                         "param": None, "code": "rate_limit_exceeded"}}  # fmt: skip
    fake.failures.append((429, limited, {"Retry-After": "1"}))
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a red fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["status"] == "succeeded", task
    calls = [r for r in fake.requests if r["path"] == "/v1/images/generations"]
    assert len(calls) == 2


async def test_a_retry_after_longer_than_allowed_fails_at_once_as_rate_limited(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    fake.requests.clear()
    limited = {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota",
                         "param": None, "code": "insufficient_quota"}}  # fmt: skip
    fake.failures.append((429, limited, {"Retry-After": "3600"}))
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["status"] == "failed"
    assert task["error"]["code"] == "rate_limited"
    assert "exceeded your current quota" in task["error"]["message"]
    assert len([r for r in fake.requests if r["path"] == "/v1/images/generations"]) == 1


async def test_a_provider_that_does_not_answer_in_time_is_unavailable(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()), timeout=0.3, max_retries=0)
    fake.stall = True
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["status"] == "failed"
    assert task["error"]["code"] == "provider_unavailable"


async def test_malformed_responses_are_provider_errors(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    fake.malformed = True
    events = await chat(hub, "oa/gpt-test")
    error = next(data for kind, data in events if kind == "error")
    assert error["code"] == "provider_error"
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["error"]["code"] == "provider_error"
    speech = await hub.run("/api/audio/speech", {"text": "Hi.", "model": "oa/alloy"})
    assert speech["error"]["code"] == "provider_error"


async def test_errors_inside_the_stream(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    fake.error_after = 2
    events = await chat(hub, "oa/gpt-test")
    error = next(data for kind, data in events if kind == "error")
    assert error["code"] == "provider_unavailable" and "The server had an error" in error["message"]
    done = next(data for kind, data in events if kind == "done")["message"]
    assert done["content"] == "".join(REPLY[:2])  # the partial reply is kept
    fake.finish_reason = "content_filter"
    events = await chat(hub, "oa/gpt-test")
    assert next(data for kind, data in events if kind == "error")["code"] == "content_rejected"


async def test_structured_output(hub: Hub, fake: FakeOpenAI, protocol_server: StartServer) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    provider = hub.app.state.runtime.providers.text("oa")
    usage = TextUsage()
    schema = {"type": "object", "properties": {"title": {"type": "string"}},
              "required": ["title"]}  # fmt: skip
    request = TextRequest([ChatMessage("user", "Name it")], model="gpt-test", max_tokens=64)
    assert await provider.generate_json(request, schema, usage) == {"title": "A fake title"}
    assert usage.completion_tokens == USAGE["completion_tokens"]
    body = fake.requests[-1]["body"]
    assert body["response_format"] == {"type": "json_object"} and body["max_tokens"] == 64
    assert "JSON" in body["messages"][0]["content"] and body["messages"][0]["role"] == "system"


async def test_images_are_stored_in_the_hub_never_linked_to_the_provider(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    await add_openai(hub, base)
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a red fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["status"] == "succeeded", task
    assert task["provider"] == "oa" and task["model"] == "gpt-image-1"
    call = next(r for r in fake.requests if r["path"] == "/v1/images/generations")
    assert call["body"]["size"] == "1024x1024" and call["body"]["model"] == "gpt-image-1"
    assert "response_format" not in call["body"]  # GPT-image models reject it
    # A URL answer is downloaded from the configured host only.
    fake.image_url = f"{base}/files/fox.png"
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["status"] == "succeeded", task
    for url in task["output_urls"]:
        assert url.startswith("/api/assets/") and base not in url
        image = await hub.client.get(url, headers=hub.user["headers"])
        assert image.status_code == 200 and image.content[:4] in (b"\x89PNG", b"RIFF")
    fake.image_url = "http://192.0.2.1/elsewhere.png"
    task = await hub.run(
        "/api/images/generations",
        {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
    )
    assert task["error"]["code"] == "provider_error"
    assert "another host" in task["error"]["message"]


async def test_image_tokens_are_recorded_when_the_provider_reports_them(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    body = {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"}

    task = await hub.run("/api/images/generations", {**body, "count": 2})

    assert task["status"] == "succeeded", task
    assert task["output_data"]["tokens"] == {
        "input_tokens": 18, "output_tokens": 544, "total_tokens": 562,
    }  # fmt: skip
    assert await usage_rows(hub, task["id"]) == [
        ("image", "oa", "gpt-image-1", "images", 2.0),
        ("image", "oa", "gpt-image-1", "tokens", 562.0),  # 2 x the fake's 281
    ]
    fake.image_usage = False  # dall-e answers carry no usage: images count as before
    task = await hub.run("/api/images/generations", body)
    assert task["status"] == "succeeded", task
    assert "tokens" not in task["output_data"]
    assert await usage_rows(hub, task["id"]) == [("image", "oa", "gpt-image-1", "images", 1.0)]


async def test_cancelling_an_image_task_hangs_up_on_the_provider(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()), timeout=30)
    fake.stall = True
    r = await hub.client.post(
        "/api/images/generations",
        json={"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
        headers=hub.user["headers"],
    )
    task_id = r.json()["id"]
    await wait_for_status(hub.client, task_id, hub.user["headers"], {"running"})
    for _ in range(500):
        if any(x["path"] == "/v1/images/generations" for x in fake.requests):
            break
        await asyncio.sleep(0.01)
    cancel = await hub.client.post(f"/api/tasks/{task_id}/cancel", headers=hub.user["headers"])
    assert cancel.status_code == 200, cancel.text
    task = await wait_for_status(hub.client, task_id, hub.user["headers"], {"cancelled", "failed"})
    assert task["status"] == "cancelled"


async def test_chosen_speech_and_transcription_models_reach_the_server(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))

    speech = await hub.run(
        "/api/audio/speech", {"text": "Hello there.", "model": "oa/tts-1-hd", "voice": "nova"}
    )

    assert speech["status"] == "succeeded", speech
    call = next(r for r in fake.requests if r["path"] == "/v1/audio/speech")
    assert (call["body"]["model"], call["body"]["voice"]) == ("tts-1-hd", "nova")
    assert speech["output_data"]["model"] == "tts-1-hd"
    assert await usage_rows(hub, speech["id"]) == [
        ("speech", "oa", "tts-1-hd", "audio_seconds", pytest.approx(0.5, abs=0.01)),
        ("speech", "oa", "tts-1-hd", "characters", 12.0),
    ]
    default = await hub.run("/api/audio/speech", {"text": "Hi.", "model": "oa/alloy"})
    assert {r[2] for r in await usage_rows(hub, default["id"])} == {"tts-1"}  # the default

    asset_id = await upload(hub.client, hub.user, wav_bytes(2.5), "talk.wav")
    task = await hub.run(
        "/api/audio/transcriptions", {"asset_id": asset_id, "model": "oa/whisper-large-v3"}
    )
    assert task["status"] == "succeeded", task
    call = [r for r in fake.requests if r["path"] == "/v1/audio/transcriptions"][-1]
    assert call["body"]["model"] == "whisper-large-v3"
    assert task["model"] == "whisper-large-v3"
    assert await usage_rows(hub, task["id"]) == [  # the provider's billed 3 s, not 2.5
        ("transcription", "oa", "whisper-large-v3", "audio_seconds", 3.0)
    ]
    task = await hub.run("/api/audio/transcriptions", {"asset_id": asset_id, "model": "oa"})
    call = [r for r in fake.requests if r["path"] == "/v1/audio/transcriptions"][-1]
    assert call["body"]["model"] == "whisper-1"  # none chosen: the first listed
    assert await usage_rows(hub, task["id"]) == [
        ("transcription", "oa", "whisper-1", "audio_seconds", 3.0)
    ]


async def test_speech_and_transcription(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    await add_openai(hub, await protocol_server(fake.app()))
    voices = await hub.client.get("/api/audio/voices", headers=hub.user["headers"])
    assert "alloy" in {v["id"] for v in voices.json()["items"]}
    speech = await hub.run("/api/audio/speech", {"text": "Hello there.", "model": "oa/alloy"})
    assert speech["status"] == "succeeded", speech
    assert speech["output_data"]["duration"] == pytest.approx(0.5, abs=0.01)
    call = next(r for r in fake.requests if r["path"] == "/v1/audio/speech")
    assert call["body"] == {"model": "tts-1", "input": "Hello there.", "voice": "alloy",
                            "response_format": "wav", "speed": 1.0}  # fmt: skip
    audio = await hub.client.get(speech["output_data"]["audio"]["url"], headers=hub.user["headers"])
    assert audio.content[:4] == b"RIFF"

    asset_id = await upload(hub.client, hub.user, wav_bytes(2.5), "talk.wav")
    task = await hub.run(
        "/api/audio/transcriptions", {"asset_id": asset_id, "model": "oa/whisper-1"}
    )
    assert task["status"] == "succeeded", task
    assert task["output_data"]["text"] == "Hello there. General Kenobi."
    assert task["output_data"]["language"] == "en"  # verbose_json says "english"
    assert [s["text"] for s in task["output_data"]["segments"]] == [
        "Hello there.",
        "General Kenobi.",
    ]
    call = next(r for r in fake.requests if r["path"] == "/v1/audio/transcriptions")
    assert call["body"]["model"] == "whisper-1"
    assert call["body"]["response_format"] == "verbose_json"
    assert call["body"]["file_size"] > 1000
