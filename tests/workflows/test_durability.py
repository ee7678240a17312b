"""Cancel keeps a workflow resumable; a server killed mid-step resumes it after a restart,
or, when the step's attempts are used up, marks it failed with a clear error."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus
from creative_hub.models.task import Task
from tests.support.api import BuildApp, client_for, register, wait_for_status
from tests.workflows.test_workflows_api import SMALL, wait_workflow

SCRIPT = {
    "title": "Tea",
    "scenes": [
        {"index": 0, "narration": "Tea leaves grow on green hills."},
        {"index": 1, "narration": "The leaves are picked and dried."},
        {"index": 2, "narration": "Hot water brings out the flavour."},
    ],
}


async def _with_script(client: httpx.AsyncClient, h: dict[str, str]) -> str:
    r = await client.post(
        "/api/workflows", json={"idea": "a video about tea", "options": SMALL}, headers=h
    )
    wid = str(r.json()["id"])
    r = await client.put(f"/api/workflows/{wid}/steps/script", json=SCRIPT, headers=h)
    assert r.status_code == 200, r.text
    return wid


async def test_cancel_stops_the_run_and_run_resumes_it(client: httpx.AsyncClient) -> None:
    me = await register(client)
    h = me["headers"]
    wid = await _with_script(client, h)
    await client.post(f"/api/workflows/{wid}/steps/storyboard/run", headers=h)
    await wait_workflow(client, wid, h)
    started = (await client.post(f"/api/workflows/{wid}/run", headers=h)).json()
    task_id = started["steps"][2]["task_id"]
    r = await client.post(f"/api/workflows/{wid}/cancel", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    task = await wait_for_status(client, task_id, h, {"succeeded", "failed", "cancelled"})
    assert task["status"] == "cancelled"
    body = (await client.get(f"/api/workflows/{wid}", headers=h)).json()
    assert body["status"] == "cancelled"
    assert [s["state"] for s in body["steps"][:3]] == ["done", "done", "cancelled"]
    # Not running any more: a second cancel is refused, and /run resumes from images.
    assert (await client.post(f"/api/workflows/{wid}/cancel", headers=h)).status_code == 409
    assert (await client.post(f"/api/workflows/{wid}/run", headers=h)).status_code == 202
    body = await wait_workflow(client, wid, h, timeout=180)
    assert body["status"] == "completed", body
    assert body["storyboard_data"] == started["storyboard_data"]
    assert body["compose_data"]["scenes"] == 3


async def _kill_during_storyboard(app: FastAPI, client: httpx.AsyncClient, attempts: int) -> Any:
    """What a killed server leaves: the step's task running, the workflow running."""
    me = await register(client)
    h = me["headers"]
    wid = await _with_script(client, h)
    await app.state.runtime.queue.stop()  # nothing runs in this process any more
    r = await client.post(f"/api/workflows/{wid}/run", headers=h)
    assert r.status_code == 202, r.text
    task_id = r.json()["steps"][1]["task_id"]
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(Task)
            .where(Task.id == uuid.UUID(task_id))
            .values(status=TaskStatus.running, attempts=attempts, started_at=utcnow())
        )
        await session.commit()
    return me, wid, task_id


async def test_a_run_killed_mid_step_resumes_after_restart(build_app: BuildApp) -> None:
    async with build_app() as app, client_for(app) as client:
        me, wid, task_id = await _kill_during_storyboard(app, client, attempts=1)
    async with build_app() as app, client_for(app) as client:
        body = await wait_workflow(client, wid, me["headers"], timeout=180)
        assert body["status"] == "completed", body
        task = (await client.get(f"/api/tasks/{task_id}", headers=me["headers"])).json()
        assert task["status"] == "succeeded" and task["attempts"] == 2
        assert body["total_duration"] > 8


async def test_a_step_killed_on_its_last_attempt_fails_clearly(build_app: BuildApp) -> None:
    async with build_app() as app, client_for(app) as client:
        me, wid, _ = await _kill_during_storyboard(app, client, attempts=2)
    async with build_app() as app, client_for(app) as client:
        body = (await client.get(f"/api/workflows/{wid}", headers=me["headers"])).json()
        assert body["status"] == "failed", body
        assert body["error"]["code"] == "worker_lost"
        assert body["steps"][1]["state"] == "failed"
        assert body["steps"][1]["error"]["code"] == "worker_lost"
        # Still resumable: the script is kept and /run starts from the storyboard again.
        r = await client.post(f"/api/workflows/{wid}/run", headers=me["headers"])
        assert r.status_code == 202, r.text
        assert r.json()["steps"][0]["state"] == "done"


async def test_a_template_workflow_runs_to_the_end_with_music_and_burned_subtitles(
    client: httpx.AsyncClient,
) -> None:
    me = await register(client)
    h = me["headers"]
    options = {**SMALL, "music": True, "burn_subtitles": True, "duration": 10}
    r = await client.post(
        "/api/workflows", json={"template": "short_story", "options": options}, headers=h
    )
    wid = r.json()["id"]
    assert (await client.post(f"/api/workflows/{wid}/run", headers=h)).status_code == 202
    body = await wait_workflow(client, wid, h, timeout=240)
    assert body["status"] == "completed", body
    assert body["audio_data"]["music"]["mood"] == "mysterious"
    assert len(body["script_data"]["scenes"]) == 3
    assert abs(body["total_duration"] - 10) <= 1
    tasks = (await client.get(f"/api/tasks?workflow_id={wid}", headers=h)).json()["items"]
    assert all(t["workflow_id"] == wid and t["status"] == "succeeded" for t in tasks)
    kinds = Counter(t["task_type"] for t in tasks)
    # Six steps; a task per scene for images, video and narration; one for the music.
    assert kinds == {
        "workflow_step": 6,
        "image_generation": 3,
        "image_to_video": 3,
        "speech": 3,
        "music": 1,
    }
    music = next(t for t in tasks if t["task_type"] == "music")
    assert body["audio_data"]["music"]["task_id"] == music["id"]
