"""A transcription that fails on its file tells the user what to do, through the API and
on a Chinese History page, without naming the stored file or a server path."""

from __future__ import annotations

import re

import httpx

from tests.support.api import register, upload, wait_for_status

# Sniffed as WAV (RIFF....WAVE), but no decoder can read what follows.
BROKEN_WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\xff" * 64


async def test_an_unreadable_file_fails_with_advice_and_no_internal_name(
    client: httpx.AsyncClient,
) -> None:
    me = await register(client)
    asset_id = await upload(client, me, BROKEN_WAV, "meeting.wav")
    r = await client.post(
        "/api/audio/transcriptions", json={"asset_id": asset_id}, headers=me["headers"]
    )
    assert r.status_code == 202, r.text
    done = {"succeeded", "failed", "cancelled"}
    task = await wait_for_status(client, r.json()["id"], me["headers"], done, timeout=60)
    assert task["status"] == "failed", task
    error = task["error"]
    assert error["code"] == "unreadable_audio"
    assert "Upload one of: wav, mp3" in error["message"]
    # The stored file is named by its content hash, under the data folder: neither shows.
    assert not re.search(r"[0-9a-f]{32}|/", error["message"]), error["message"]
    assert asset_id not in error["message"]

    signed_in = {"username": me["user"]["username"], "password": me["password"]}
    assert (await client.post("/api/auth/session", json=signed_in)).status_code == 200
    page = await client.get(
        f"/history/{task['id']}", headers={"Accept": "text/html", "Accept-Language": "zh-CN"}
    )
    assert page.status_code == 200
    assert "无法将此文件读取为音频或视频" in page.text
