"""ElevenLabs through the hub: speech with subtitles from the alignment, sound effects,
voices, and the provider's failures as task errors. The provider is a local server."""

from __future__ import annotations

import io
import wave
from collections.abc import AsyncIterator
from typing import Any

import pytest

from creative_hub.providers.local.subtitles import parse_srt, parse_vtt
from tests.providers.remote.conftest import Hub, StartServer, usage_rows
from tests.providers.remote.servers import Fault
from tests.providers.remote.servers.elevenlabs import VOICES, ElevenLabsServer

RACHEL = VOICES[0]["voice_id"]
TEXT = "The lighthouse woke at dusk. Ships turned home! Was anyone watching?"


@pytest.fixture
async def eleven(protocol_server: StartServer) -> AsyncIterator[tuple[ElevenLabsServer, str]]:
    server = ElevenLabsServer()
    yield server, await protocol_server(server.app())
    server.faults.stop.set()  # release any request a test left hanging


async def add(hub: Hub, url: str, key: str, **settings: Any) -> dict[str, Any]:
    return await hub.add_provider(
        kind="elevenlabs",
        name="eleven",
        base_url=url,
        api_key=key,
        settings={"max_retries": 1, "timeout": 5, **settings},
    )


async def fetch(hub: Hub, url: str) -> bytes:
    assert url.startswith("/api/"), url  # a hub URL, never the provider's
    r = await hub.client.get(url, headers=hub.user["headers"])
    assert r.status_code == 200, r.text
    return r.content


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


async def test_speech_writes_wav_and_subtitles_from_the_alignment(
    hub: Hub, eleven: tuple[ElevenLabsServer, str]
) -> None:
    server, url = eleven
    server.cost_per_character = 0.5
    await add(hub, url, server.api_key, sample_rate=22050)
    voices = await hub.client.get("/api/audio/voices", headers=hub.user["headers"])
    assert f"eleven/{RACHEL}" in {v["model"] for v in voices.json()["items"]}, voices.text

    task = await hub.run("/api/audio/speech", {"text": TEXT, "model": f"eleven/{RACHEL}"})

    assert task["status"] == "succeeded", task
    sent = server.requests[-1]
    assert sent["path"] == f"/v1/text-to-speech/{RACHEL}/with-timestamps"
    assert sent["query"] == {"output_format": "pcm_22050"}
    assert sent["text"] == TEXT and sent["model_id"] == "eleven_multilingual_v2"
    out = task["output_data"]
    billed = (len(TEXT) + 1) // 2
    assert out["characters_billed"] == billed  # the provider's own figure...
    dashboard = await hub.client.get("/api/dashboard", headers=hub.user["headers"])
    usage = dashboard.json()["usage"]["by_capability"]
    (speech,) = [u for u in usage if u["unit"] == "characters"]
    assert (speech["provider"], speech["quantity"]) == ("eleven", billed)  # ...is recorded
    audio = await fetch(hub, out["audio"]["url"])
    assert wav_seconds(audio) == pytest.approx(len(TEXT) * 0.06, abs=0.01)
    cues = parse_srt((await fetch(hub, out["srt_url"])).decode())
    assert [c.text for c in cues] == [
        "The lighthouse woke at dusk.",
        "Ships turned home!",
        "Was anyone watching?",
    ]
    # Each cue spans its sentence's characters: 28 chars from 0 s, then after the space.
    assert cues[0].start == 0 and cues[0].end == pytest.approx(28 * 0.06, abs=0.001)
    assert cues[1].start == pytest.approx(29 * 0.06, abs=0.001)
    assert [c.text for c in parse_vtt((await fetch(hub, out["vtt_url"])).decode())] == [
        c.text for c in cues
    ]
    assert all(u.startswith("/api/") for u in task["output_urls"])
    assert server.api_key not in str(task)


async def test_sound_effect(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    server, url = eleven
    await add(hub, url, server.api_key)

    task = await hub.run(
        "/api/audio/sound-effects",
        {"prompt": "rain on a tin roof", "duration": 1.5, "model": "eleven"},
    )

    assert task["status"] == "succeeded", task
    sent = server.requests[-1]
    assert sent["path"] == "/v1/sound-generation"
    assert sent["text"] == "rain on a tin roof" and sent["duration_seconds"] == 1.5
    assert sent["query"] == {"output_format": "pcm_24000"}
    audio = await fetch(hub, task["output_data"]["audio"]["url"])
    assert wav_seconds(audio) == pytest.approx(1.5, abs=0.01)


async def test_wrong_key_is_invalid_api_key(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    _, url = eleven
    await add(hub, url, "sk_wrong_key_0123456789", voice=RACHEL)

    task = await hub.run("/api/audio/sound-effects", {"prompt": "thunder", "model": "eleven"})

    assert task["status"] == "failed"
    assert task["error"]["code"] == "invalid_api_key", task
    assert "Invalid API key" in task["error"]["message"]
    assert "sk_wrong_key_0123456789" not in str(task)


async def test_busy_then_success(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    server, url = eleven
    await add(hub, url, server.api_key)
    server.faults.add(Fault(status=429, retry_after=0))

    task = await hub.run("/api/audio/sound-effects", {"prompt": "thunder", "model": "eleven"})

    assert task["status"] == "succeeded", task
    assert not server.faults.queue  # the 429 was served, then the retry succeeded


async def test_still_busy_is_rate_limited(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    server, url = eleven
    await add(hub, url, server.api_key)
    server.faults.add(Fault(status=429, retry_after=0), Fault(status=429, retry_after=0))

    task = await hub.run("/api/audio/sound-effects", {"prompt": "thunder", "model": "eleven"})

    assert task["error"]["code"] == "rate_limited", task
    assert "high traffic" in task["error"]["message"]


async def test_no_answer_in_time(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    server, url = eleven
    await add(hub, url, server.api_key, timeout=0.5)
    server.faults.add(Fault(hang=True))

    task = await hub.run("/api/audio/sound-effects", {"prompt": "thunder", "model": "eleven"})

    assert task["error"]["code"] == "provider_unavailable", task
    assert "no answer in time" in task["error"]["message"]


async def test_malformed_speech_response(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    server, url = eleven
    await add(hub, url, server.api_key)
    await hub.client.get("/api/audio/voices", headers=hub.user["headers"])
    server.faults.add(Fault(malformed=True))

    task = await hub.run("/api/audio/speech", {"text": "Hi.", "model": f"eleven/{RACHEL}"})

    assert task["error"]["code"] == "provider_error", task
    assert "audio_base64" in task["error"]["message"]


async def test_connection_check(hub: Hub, eleven: tuple[ElevenLabsServer, str]) -> None:
    server, url = eleven
    good = await add(hub, url, server.api_key)

    r = await hub.client.post(
        f"/api/admin/providers/{good['id']}/test", headers=hub.admin["headers"]
    )

    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and r.json()["message"] == "2 voices"


@pytest.mark.parametrize(
    ("model", "sent"), [("eleven_multilingual_v2", None), ("eleven_flash_v2_5", "en")]
)
async def test_language_code_only_for_models_that_take_it(
    hub: Hub, eleven: tuple[ElevenLabsServer, str], model: str, sent: str | None
) -> None:
    server, url = eleven
    await add(hub, url, server.api_key, tts_model=model)
    await hub.client.get("/api/audio/voices", headers=hub.user["headers"])

    task = await hub.run(
        "/api/audio/speech", {"text": "Hello.", "language": "en", "model": f"eleven/{RACHEL}"}
    )

    assert task["status"] == "succeeded", task
    assert server.requests[-1]["model_id"] == model
    assert server.requests[-1].get("language_code") == sent


async def test_chosen_model_reaches_the_server_and_the_usage_row(
    hub: Hub, eleven: tuple[ElevenLabsServer, str]
) -> None:
    server, url = eleven
    await add(hub, url, server.api_key)

    task = await hub.run(
        "/api/audio/speech",
        {"text": TEXT, "model": "eleven/eleven_flash_v2_5", "voice": RACHEL, "language": "en"},
    )

    assert task["status"] == "succeeded", task
    sent = server.requests[-1]
    assert sent["model_id"] == "eleven_flash_v2_5"
    assert sent["language_code"] == "en"  # this model takes one
    assert {r[2] for r in await usage_rows(hub, task["id"])} == {"eleven_flash_v2_5"}
    task = await hub.run("/api/audio/speech", {"text": TEXT, "model": f"eleven/{RACHEL}"})
    assert server.requests[-1]["model_id"] == "eleven_multilingual_v2"  # the default
    assert {r[2] for r in await usage_rows(hub, task["id"])} == {"eleven_multilingual_v2"}
