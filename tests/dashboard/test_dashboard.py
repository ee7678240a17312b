"""GET /api/dashboard gathers what the Dashboard page shows."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from creative_hub.tasks.registry import HandlerRegistry, default_registry
from tests.support.api import assert_error, register, wait_for_status
from tests.support.tasks import Script, create_task, install_scripted_handler


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def handlers(script: Script) -> HandlerRegistry:
    registry = default_registry.copy()
    install_scripted_handler(registry, script)
    return registry


async def test_dashboard_shows_counts_recent_running_providers_and_usage(
    app: FastAPI, client: httpx.AsyncClient, script: Script
) -> None:
    me = await register(client)
    other = await register(client)
    done = await create_task(app, me["user"]["id"], {"prompt": "finished", "usage": 3})
    await wait_for_status(client, done, me["headers"], {"succeeded"})
    busy = await create_task(app, me["user"]["id"], {"prompt": "busy", "block": True})
    await wait_for_status(client, busy, me["headers"], {"running"})
    await create_task(app, other["user"]["id"], {"prompt": "someone else's"})

    r = await client.get("/api/dashboard", headers=me["headers"])
    assert r.status_code == 200, r.text
    board = r.json()
    assert board["stats"]["total"] == 2
    assert board["stats"]["by_status"]["succeeded"] == 1
    assert board["stats"]["by_status"]["running"] == 1
    assert [t["task"]["id"] for t in board["recent"]] == [busy, done]
    assert [t["id"] for t in board["running"]] == [busy]
    assert board["usage"]["totals"] == {"audio_seconds": 3.0}
    capabilities = {p["capability"] for p in board["providers"]}
    assert capabilities == {
        "text", "image", "image_to_video", "video_compose", "speech", "transcription",
        "music", "sound_effects",
    }  # fmt: skip
    assert all(p["name"] == "local" and p["default"] for p in board["providers"])
    script.gate.set()


async def test_dashboard_needs_sign_in(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/dashboard"), 401, "not_authenticated")
