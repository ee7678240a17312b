"""Video end to end through HTTP with the embedded engines, probing the real MP4s."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from creative_hub.providers.local.media_probe import probe
from tests.support.api import assert_error, download, register, run_task, upload

SMALL = {"width": 320, "height": 180, "fps": 12}


def _png(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (400, 300), color)
    for x in range(0, 400, 40):
        for y in range(300):
            image.putpixel((x, y), (255, 255, 255))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def test_text_to_video_makes_a_clip_of_the_asked_shape(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    me = await register(client)
    task = await run_task(
        client,
        me,
        "/api/videos/text-to-video",
        {"prompt": "waves at night", "duration": 2, **SMALL, "motion": "pan_left"},
    )
    out = task["output_data"]
    info = probe(await download(client, me, out["video"]["url"], tmp_path / "t2v.mp4"))
    assert info.video_codec == "h264" and (info.width, info.height) == (320, 180)
    assert info.fps == pytest.approx(12, rel=0.02)
    assert info.duration == pytest.approx(2.0, rel=0.02)
    assert out["frame"]["url"] and out["thumbnail_url"]
    assert (await client.get(out["thumbnail_url"], headers=me["headers"])).status_code == 200


async def test_image_to_video_from_an_upload(client: httpx.AsyncClient, tmp_path: Path) -> None:
    me = await register(client)
    image = await upload(client, me, _png((20, 60, 120)), "blue.png")
    task = await run_task(
        client,
        me,
        "/api/videos/image-to-video",
        {"asset_id": image, "duration": 1.5, "motion": "zoom_out", **SMALL},
    )
    info = probe(await download(client, me, task["output_urls"][0], tmp_path / "i2v.mp4"))
    assert info.duration == pytest.approx(1.5, rel=0.02) and not info.has_audio


async def test_compose_makes_an_mp4_with_audio_video_and_subtitles(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    me = await register(client)
    first = await upload(client, me, _png((120, 40, 20)), "a.png")
    second = await upload(client, me, _png((20, 120, 40)), "b.png")
    speech = await run_task(client, me, "/api/audio/speech", {"text": "Here is the first picture."})
    music = await run_task(client, me, "/api/audio/music", {"mood": "calm", "duration": 4})
    body = {
        "visuals": [first, second],
        "image_duration": 2.5,
        "crossfade": 0.5,
        **SMALL,
        "audio": [
            {"asset_id": speech["output_data"]["audio"]["asset_id"], "role": "narration"},
            {"asset_id": music["output_data"]["audio"]["asset_id"], "role": "music"},
        ],
        "subtitles": [{"start": 0.0, "end": 2.0, "text": "Here is the first picture."}],
    }
    task = await run_task(client, me, "/api/videos/compose", body)
    out = task["output_data"]
    info = probe(await download(client, me, out["video"]["url"], tmp_path / "film.mp4"))
    assert info.has_video and info.has_audio
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.duration == pytest.approx(4.5, rel=0.03)
    srt = (await client.get(out["srt_url"], headers=me["headers"])).text
    assert "Here is the first picture." in srt
    gallery = (await client.get("/api/videos", headers=me["headers"])).json()["items"]
    assert task["id"] in [t["id"] for t in gallery]


async def test_bad_video_requests_create_no_task(client: httpx.AsyncClient) -> None:
    me = await register(client)
    other = await register(client)
    mine = await upload(client, me, _png((1, 2, 3)), "mine.png")
    theirs = await upload(client, other, _png((3, 2, 1)), "theirs.png")
    text = await upload(client, me, b"1\nnot subtitles at all\n", "bad.srt")
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (
            "/api/videos/text-to-video",
            {"prompt": "x", "width": 321, "height": 180},
            422,
            "validation_error",
        ),
        (
            "/api/videos/text-to-video",
            {"prompt": "x", "width": 1920, "height": 1920},
            422,
            "validation_error",
        ),
        ("/api/videos/text-to-video", {"prompt": "x", "duration": 31}, 422, "validation_error"),
        ("/api/videos/text-to-video", {"prompt": "x", "motion": "spin"}, 422, "validation_error"),
        ("/api/videos/image-to-video", {"asset_id": theirs}, 404, "asset_not_found"),
        ("/api/videos/image-to-video", {"asset_id": text}, 415, "wrong_media_type"),
        ("/api/videos/compose", {"visuals": []}, 422, "validation_error"),
        ("/api/videos/compose", {"visuals": [mine, theirs]}, 404, "asset_not_found"),
        (
            "/api/videos/compose",
            {"visuals": [mine], "audio": [{"asset_id": mine}]},
            415,
            "wrong_media_type",
        ),
        (
            "/api/videos/compose",
            {"visuals": [mine], "subtitles": [{"start": 2, "end": 1, "text": "x"}]},
            422,
            "validation_error",
        ),
        (
            "/api/videos/compose",
            {"visuals": [mine], "subtitles_asset_id": text},
            400,
            "invalid_subtitles",
        ),
        (
            "/api/videos/compose",
            {"visuals": [mine], "crossfade": 2, "image_duration": 1.5},
            422,
            "validation_error",
        ),
    ]
    for path, body, status, code in cases:
        assert_error(await client.post(path, json=body, headers=me["headers"]), status, code)
    assert (await client.get("/api/tasks", headers=me["headers"])).json()["items"] == []
