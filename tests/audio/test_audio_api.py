"""Audio end to end through HTTP with the embedded engines, checking the real files."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import httpx
import pytest

from creative_hub.providers.local.media_probe import probe
from tests.support.api import assert_error, download, register, run_task, upload


def _wav(seconds: float, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        import math

        frames = bytearray()
        for i in range(int(seconds * rate)):
            value = int(8000 * math.sin(2 * math.pi * 440 * i / rate))
            frames += value.to_bytes(2, "little", signed=True)
        w.writeframes(bytes(frames))
    return buffer.getvalue()


async def test_speech_then_transcription_round_trip(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    me = await register(client)
    text = "The coffee beans are roasted slowly. Then they are ground and brewed."
    speech = await run_task(client, me, "/api/audio/speech", {"text": text})
    out = speech["output_data"]
    wav = await download(client, me, out["audio"]["url"], tmp_path / "speech.wav")
    info = probe(wav)
    assert info.has_audio and abs(info.duration - out["duration"]) < 0.05
    assert 2.0 < out["duration"] < 15.0
    assert [s["text"] for s in out["segments"]] == [
        "The coffee beans are roasted slowly.",
        "Then they are ground and brewed.",
    ]
    srt = (await client.get(out["srt_url"], headers=me["headers"])).text
    assert "00:00:00,000 -->" in srt and "roasted slowly" in srt
    assert (await client.get(out["vtt_url"], headers=me["headers"])).text.startswith("WEBVTT")

    transcript = await run_task(
        client, me, "/api/audio/transcriptions", {"asset_id": out["audio"]["asset_id"]}
    )
    heard = transcript["output_data"]["text"].lower()
    for word in ("coffee", "beans", "roasted", "brewed"):
        assert word in heard, heard
    assert (await client.get(transcript["output_data"]["srt_url"], headers=me["headers"])).text


async def test_music_and_effects_have_the_asked_length(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    me = await register(client)
    music = await run_task(
        client, me, "/api/audio/music", {"mood": "calm", "duration": 4, "seed": 3}
    )
    wav = await download(client, me, music["output_data"]["audio"]["url"], tmp_path / "m.wav")
    assert abs(probe(wav).duration - 4.0) < 0.08
    effect = await run_task(
        client, me, "/api/audio/sound-effects", {"prompt": "rain", "duration": 2}
    )
    wav = await download(client, me, effect["output_data"]["audio"]["url"], tmp_path / "e.wav")
    assert abs(probe(wav).duration - 2.0) < 0.05


async def test_mix_places_tracks_at_their_offsets(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    me = await register(client)
    a = await upload(client, me, _wav(1.0), "a.wav")
    b = await upload(client, me, _wav(1.0), "b.wav")
    body = {"tracks": [{"asset_id": a}, {"asset_id": b, "offset": 2.0, "gain_db": -6}]}
    task = await run_task(client, me, "/api/audio/mix", body)
    wav = await download(client, me, task["output_data"]["audio"]["url"], tmp_path / "mix.wav")
    assert abs(probe(wav).duration - 3.0) < 0.1


async def test_voices_and_models(client: httpx.AsyncClient) -> None:
    me = await register(client)
    voices = (await client.get("/api/audio/voices", headers=me["headers"])).json()["items"]
    assert any(v["neural"] and v["language"].startswith("en") for v in voices)
    assert any(not v["neural"] and v["language"].startswith(("zh", "cmn")) for v in voices)
    models = (await client.get("/api/audio/models", headers=me["headers"])).json()["items"]
    assert {"speech", "music", "sound_effects", "transcription"} <= {
        m["capability"] for m in models
    }


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/audio/speech", {"text": ""}, 422, "validation_error"),
        ("/api/audio/speech", {"text": "x" * 5001}, 422, "validation_error"),
        ("/api/audio/speech", {"text": "hi", "speed": 3}, 422, "validation_error"),
        ("/api/audio/speech", {"text": "hi", "voice": "nobody"}, 400, "unknown_voice"),
        ("/api/audio/music", {"duration": 10}, 422, "validation_error"),
        ("/api/audio/music", {"mood": "calm", "duration": 301}, 422, "validation_error"),
        ("/api/audio/music", {"mood": "calm", "tempo": 500}, 422, "validation_error"),
        ("/api/audio/music", {"mood": "sleepy-robot", "duration": 5}, 400, "unknown_mood"),
        (
            "/api/audio/sound-effects",
            {"prompt": "a unicorn singing opera"},
            400,
            "unknown_sound_effect",
        ),
        ("/api/audio/sound-effects", {"prompt": "rain", "duration": 31}, 422, "validation_error"),
        (
            "/api/audio/transcriptions",
            {"asset_id": "00000000-0000-0000-0000-000000000000"},
            404,
            "asset_not_found",
        ),
        ("/api/audio/mix", {"tracks": []}, 422, "validation_error"),
    ],
)
async def test_bad_audio_requests_create_no_task(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    me = await register(client)
    assert_error(await client.post(path, json=body, headers=me["headers"]), status, code)
    assert (await client.get("/api/tasks", headers=me["headers"])).json()["items"] == []


async def test_inputs_must_be_the_users_audio(client: httpx.AsyncClient) -> None:
    me = await register(client)
    other = await register(client)
    theirs = await upload(client, other, _wav(0.5), "theirs.wav")
    text = await upload(client, me, b"just some words", "notes.txt")
    cases = [
        ("/api/audio/transcriptions", {"asset_id": theirs}, 404, "asset_not_found"),
        ("/api/audio/transcriptions", {"asset_id": text}, 415, "wrong_media_type"),
        (
            "/api/audio/transcriptions",
            {"asset_id": theirs, "language": "fr"},
            400,
            "language_unsupported",
        ),
        ("/api/audio/mix", {"tracks": [{"asset_id": text}]}, 415, "wrong_media_type"),
        ("/api/audio/mix", {"tracks": [{"asset_id": theirs}]}, 404, "asset_not_found"),
    ]
    for path, body, status, code in cases:
        assert_error(await client.post(path, json=body, headers=me["headers"]), status, code)
    assert (await client.get("/api/tasks", headers=me["headers"])).json()["items"] == []
