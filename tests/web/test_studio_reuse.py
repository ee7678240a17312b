""" "Reuse settings" on the Audio and Video pages (web/studio.py), over plain HTTP."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from creative_hub.models.enums import TaskType
from tests.support.tasks import create_task

HTML = {"Accept": "text/html"}


async def _user_id(client: httpx.AsyncClient) -> str:
    account = {"email": "reuse@example.com", "username": "reuser", "password": "s3cret-pass"}
    assert (await client.post("/api/auth/register", json=account)).status_code == 201
    r = await client.post(
        "/api/auth/session", json={"username": "reuser", "password": "s3cret-pass"}
    )
    assert r.status_code == 200, r.text
    user_id: str = r.json()["user"]["id"]
    return user_id


async def test_reuse_fills_the_form_of_the_right_tool_and_refuses_other_kinds(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user_id = await _user_id(client)
    music = await create_task(
        app, user_id, {"prompt": "rainy jazz", "mood": "calm"}, TaskType.music, enqueue=False
    )
    video = await create_task(
        app,
        user_id,
        {"prompt": "a quiet harbour", "width": 720, "height": 1280, "motion": "pan_left"},
        TaskType.text_to_video,
        enqueue=False,
    )

    page = (await client.get(f"/audio?reuse={music}", headers=HTML)).text
    assert 'hx-post="/audio/music"' in page and "rainy jazz</textarea>" in page
    assert '<option value="calm" selected>' in page

    page = (await client.get(f"/videos?reuse={video}", headers=HTML)).text
    assert 'hx-post="/videos/text"' in page and "a quiet harbour</textarea>" in page
    assert '<option value="720x1280" selected>' in page
    assert '<option value="pan_left" selected>' in page

    wrong = await client.get(f"/videos?reuse={music}", headers=HTML)
    assert wrong.status_code == 404 and "No text-to-video task with this id." in wrong.text
    wrong = await client.get(f"/audio?reuse={video}", headers=HTML)
    assert wrong.status_code == 404
