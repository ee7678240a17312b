"""The images, video and audio steps run one task per scene: visible in History with the
workflow's id, their progress summed up on the step, a failing scene named, cancel and a
restart handled for every scene task."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.tasks.registry import HandlerRegistry, JobContext, JobError, JobResult
from tests.support.api import BuildApp, client_for, register
from tests.workflows.test_workflows_api import SMALL, wait_workflow

SCRIPT = {
    "title": "Tea",
    "scenes": [
        {"index": 0, "narration": "Tea leaves grow on green hills."},
        {"index": 1, "narration": "The leaves are picked and dried."},
        {"index": 2, "narration": "Hot water brings out the flavour."},
    ],
}
BOARD = {
    "scenes": [
        {"index": i, "visual_prompt": f"tea, scene {i + 1}", "duration": 3, "mood": "calm"}
        for i in range(3)
    ]
}
ENDED = {"succeeded", "failed", "cancelled"}


@dataclass
class Gate:
    """Wraps the real image handler: scenes in `hold` wait for `open`; `fail` ones fail."""

    open: asyncio.Event = field(default_factory=asyncio.Event)
    hold: set[str] = field(default_factory=set)
    fail: set[str] = field(default_factory=set)

    def install(self, handlers: HandlerRegistry) -> None:
        real = handlers.get(TaskType.image_generation)
        assert real is not None

        async def gated(ctx: JobContext) -> JobResult:
            key = ctx.input_data.get("scene_key")
            if not self.hold or key in self.hold:
                await self.open.wait()
            if key in self.fail:
                raise JobError("prompt_rejected", "The image provider refused this prompt.")
            return await real(ctx)

        handlers.register(TaskType.image_generation, gated)


@pytest.fixture
def gate(handlers: HandlerRegistry) -> Gate:
    g = Gate()
    g.install(handlers)
    return g


async def _ready_for_images(client: httpx.AsyncClient, h: dict[str, str]) -> str:
    """A workflow whose script and storyboard are written: the images step may run."""
    r = await client.post(
        "/api/workflows", json={"idea": "a video about tea", "options": SMALL}, headers=h
    )
    wid = str(r.json()["id"])
    for step, data in (("script", SCRIPT), ("storyboard", BOARD)):
        r = await client.put(f"/api/workflows/{wid}/steps/{step}", json=data, headers=h)
        assert r.status_code == 200, r.text
    return wid


async def _scene_tasks(
    client: httpx.AsyncClient, wid: str, h: dict[str, str], kind: str = "image_generation"
) -> list[dict[str, Any]]:
    r = await client.get(f"/api/tasks?workflow_id={wid}&type={kind}&limit=100", headers=h)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return sorted(items, key=lambda t: (t["created_at"], t["input_data"]["scene_key"]))


async def _until(
    client: httpx.AsyncClient, wid: str, h: dict[str, str], ok: Any, timeout: float = 60
) -> list[dict[str, Any]]:
    """Poll the workflow's image tasks until ok(tasks) holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        tasks = await _scene_tasks(client, wid, h)
        if ok(tasks):
            return tasks
        assert asyncio.get_running_loop().time() < deadline, tasks
        await asyncio.sleep(0.05)


def _by_scene(tasks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {t["input_data"]["scene_key"]: t for t in tasks}


async def _events(response: httpx.Response, first: asyncio.Event) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    name = "message"
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
            first.set()
    return events


async def test_images_step_shows_a_task_per_scene_and_its_progress_rises_to_100(
    app: FastAPI, live_server: str, gate: Gate
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
        me = await register(client)
        h = me["headers"]
        wid = await _ready_for_images(client, h)
        r = await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
        assert r.status_code == 202, r.text
        step_task = r.json()["steps"][2]["task_id"]
        async with client.stream("GET", f"/api/workflows/{wid}/events", headers=h) as stream:
            subscribed = asyncio.Event()
            reading = asyncio.create_task(_events(stream, subscribed))
            await subscribed.wait()  # the first event: the stream follows the channel
            gate.open.set()
            events = await reading
        body = (await client.get(f"/api/workflows/{wid}", headers=h)).json()
        assert body["status"] == "paused", body
        tasks = await _scene_tasks(client, wid, h)

    progress = [e["progress"] for kind, e in events if kind == "progress" and e["step"] == "images"]
    assert progress and progress[-1] == 100, progress
    assert progress == sorted(progress), progress
    # One image task per scene, in History with the workflow's id, each with its own result.
    assert [t["input_data"]["scene_key"] for t in tasks] == ["scene-0", "scene-1", "scene-2"]
    scenes = body["images_data"]["scenes"]
    for scene, task in zip(scenes, tasks, strict=True):
        assert task["workflow_id"] == wid and task["status"] == "succeeded"
        assert task["progress"] == 100 and task["input_data"]["parent_task_id"] == step_task
        assert scene["task_id"] == task["id"]
        assert scene["url"] == task["output_urls"][0]
    assert len({s["asset_id"] for s in scenes}) == 3
    assert body["steps"][2] == {
        "step": "images",
        "state": "done",
        "task_id": step_task,
        "error": None,
    }


async def test_a_failing_scene_fails_the_step_by_name_and_the_others_keep_their_images(
    client: httpx.AsyncClient, handlers: HandlerRegistry, gate: Gate
) -> None:
    gate.open.set()
    gate.fail = {"scene-1"}
    me = await register(client)
    h = me["headers"]
    wid = await _ready_for_images(client, h)
    assert (
        await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
    ).status_code == 202
    body = await wait_workflow(client, wid, h)
    assert body["status"] == "failed", body
    error = body["steps"][2]["error"]
    assert body["steps"][2]["state"] == "failed" and error["code"] == "prompt_rejected"
    assert error["message"].startswith("Scene 2 failed: The image provider refused"), error
    assert "Scene 1" not in error["message"] and "Scene 3" not in error["message"]
    assert body["error"] == error and body["images_data"] is None
    first = _by_scene(await _scene_tasks(client, wid, h))
    assert first["scene-1"]["status"] == "failed"
    assert first["scene-1"]["error"]["code"] == "prompt_rejected"
    for key in ("scene-0", "scene-2"):
        assert first[key]["status"] == "succeeded", first[key]
        r = await client.get(first[key]["output_urls"][0], headers=h)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"

    # Run the step again: new scene tasks replace the step's images, the old ones stay
    # in History as they were.
    gate.fail = set()
    assert (
        await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
    ).status_code == 202
    body = await wait_workflow(client, wid, h)
    assert body["status"] == "paused", body
    tasks = await _scene_tasks(client, wid, h)
    assert len(tasks) == 6
    old = {t["id"] for t in first.values()}
    new = [t for t in tasks if t["id"] not in old]
    assert all(t["status"] == "succeeded" for t in new)
    assert {s["task_id"] for s in body["images_data"]["scenes"]} == {t["id"] for t in new}
    assert _by_scene([t for t in tasks if t["id"] in old])["scene-1"]["status"] == "failed"


async def test_cancelling_one_scene_task_in_history_fails_the_step_naming_it(
    client: httpx.AsyncClient, gate: Gate
) -> None:
    gate.hold = {"scene-1"}
    me = await register(client)
    h = me["headers"]
    wid = await _ready_for_images(client, h)
    await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
    tasks = await _until(
        client, wid, h, lambda ts: len(ts) == 3 and _by_scene(ts)["scene-1"]["status"] == "running"
    )
    scene = _by_scene(tasks)["scene-1"]["id"]
    assert (await client.post(f"/api/tasks/{scene}/cancel", headers=h)).status_code == 200
    body = await wait_workflow(client, wid, h)
    assert body["status"] == "failed", body
    assert body["error"]["code"] == "scene_cancelled"
    assert body["error"]["message"].startswith("Scene 2 was cancelled."), body["error"]
    by = _by_scene(await _scene_tasks(client, wid, h))
    assert [by[k]["status"] for k in ("scene-0", "scene-1", "scene-2")] == [
        "succeeded",
        "cancelled",
        "succeeded",
    ]


async def test_cancel_mid_step_cancels_the_running_and_waiting_scene_tasks(
    client: httpx.AsyncClient, gate: Gate
) -> None:
    gate.hold = {"scene-1", "scene-2"}  # scene 1 draws at once, the others wait
    me = await register(client)
    h = me["headers"]
    wid = await _ready_for_images(client, h)
    r = await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
    step_task = r.json()["steps"][2]["task_id"]

    def mid_step(tasks: list[dict[str, Any]]) -> bool:
        by = _by_scene(tasks)
        return (
            len(by) == 3
            and by["scene-0"]["status"] == "succeeded"
            and by["scene-1"]["status"] == "running"
        )

    await _until(client, wid, h, mid_step)
    r = await client.post(f"/api/workflows/{wid}/cancel", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    tasks = await _until(client, wid, h, lambda ts: all(t["status"] in ENDED for t in ts))
    by = _by_scene(tasks)
    assert by["scene-0"]["status"] == "succeeded"
    assert by["scene-1"]["status"] == "cancelled" and by["scene-2"]["status"] == "cancelled"
    step = (await client.get(f"/api/tasks/{step_task}", headers=h)).json()
    deadline = asyncio.get_running_loop().time() + 30
    while step["status"] not in ENDED:
        assert asyncio.get_running_loop().time() < deadline, step
        await asyncio.sleep(0.05)
        step = (await client.get(f"/api/tasks/{step_task}", headers=h)).json()
    assert step["status"] == "cancelled"
    body = (await client.get(f"/api/workflows/{wid}", headers=h)).json()
    assert body["status"] == "cancelled" and body["steps"][2]["state"] == "cancelled"


async def _stop_mid_step(
    build_app: BuildApp, handlers: HandlerRegistry, *, last_attempt: bool
) -> tuple[dict[str, str], str, dict[str, dict[str, Any]]]:
    """Stop the server while the images step has drawn scene 1 and scenes 2 and 3 wait.

    last_attempt: leave the step task as a server that died on its last attempt would.
    """
    gate = Gate(hold={"scene-1", "scene-2"})
    gate.install(handlers)
    async with build_app(handlers=handlers) as app, client_for(app) as client:
        me = await register(client)
        h = me["headers"]
        wid = await _ready_for_images(client, h)
        r = await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
        step_task = r.json()["steps"][2]["task_id"]

        def mid_step(tasks: list[dict[str, Any]]) -> bool:
            by = _by_scene(tasks)
            return (
                len(by) == 3
                and by["scene-0"]["status"] == "succeeded"
                and any(t["status"] == "running" for t in tasks)
            )

        before = _by_scene(await _until(client, wid, h, mid_step))
        await app.state.runtime.queue.stop()
        if last_attempt:
            async with app.state.runtime.sessionmaker() as session:
                await session.execute(
                    update(Task)
                    .where(Task.id == uuid.UUID(step_task))
                    .values(status=TaskStatus.running, attempts=2)
                )
                await session.commit()
    return h, wid, before


async def test_a_restart_mid_step_keeps_finished_scenes_and_runs_the_rest(
    build_app: BuildApp, handlers: HandlerRegistry
) -> None:
    h, wid, before = await _stop_mid_step(build_app, handlers, last_attempt=False)
    # Started again (with a working image provider): the step resumes with its tasks.
    async with build_app() as app, client_for(app) as client:
        body = await wait_workflow(client, wid, h)
        assert body["status"] == "paused", body
        tasks = _by_scene(await _scene_tasks(client, wid, h))
    assert {t["id"] for t in tasks.values()} == {t["id"] for t in before.values()}
    assert all(t["status"] == "succeeded" for t in tasks.values())
    assert tasks["scene-0"]["output_urls"] == before["scene-0"]["output_urls"]
    scene0 = body["images_data"]["scenes"][0]
    assert scene0["task_id"] == tasks["scene-0"]["id"]
    assert scene0["url"] == before["scene-0"]["output_urls"][0]


async def test_a_step_lost_on_its_last_attempt_fails_and_no_scene_task_is_left_waiting(
    build_app: BuildApp, handlers: HandlerRegistry
) -> None:
    h, wid, before = await _stop_mid_step(build_app, handlers, last_attempt=True)
    async with build_app() as app, client_for(app) as client:
        body = (await client.get(f"/api/workflows/{wid}", headers=h)).json()
        assert body["status"] == "failed" and body["error"]["code"] == "worker_lost", body
        assert body["steps"][2]["state"] == "failed"
        tasks = await _until(client, wid, h, lambda ts: all(t["status"] in ENDED for t in ts))
    assert {t["id"] for t in tasks} == {t["id"] for t in before.values()}
    assert _by_scene(tasks)["scene-0"]["status"] == "succeeded"


async def test_scene_tasks_need_no_free_worker_slot(build_app: BuildApp) -> None:
    """One worker slot, held by the step task: its scene tasks still run (no deadlock)."""
    async with build_app(queue_concurrency=1) as app, client_for(app) as client:
        me = await register(client)
        h = me["headers"]
        wids = [await _ready_for_images(client, h) for _ in range(2)]
        for wid in wids:
            r = await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
            assert r.status_code == 202, r.text
        for wid in wids:
            body = await wait_workflow(client, wid, h)
            assert body["status"] == "paused", body
            tasks = await _scene_tasks(client, wid, h)
            assert [t["status"] for t in tasks] == ["succeeded"] * 3


async def test_video_step_names_the_scene_whose_keyframe_is_gone(
    client: httpx.AsyncClient,
) -> None:
    me = await register(client)
    h = me["headers"]
    wid = await _ready_for_images(client, h)
    await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
    images = (await wait_workflow(client, wid, h))["images_data"]
    images["scenes"][1]["asset_id"] = "00000000-0000-4000-8000-000000000001"
    r = await client.put(f"/api/workflows/{wid}/steps/images", json=images, headers=h)
    assert r.status_code == 200, r.text
    assert (
        await client.post(f"/api/workflows/{wid}/steps/video/run", headers=h)
    ).status_code == 202
    body = await wait_workflow(client, wid, h)
    assert body["status"] == "failed" and body["error"]["code"] == "asset_not_found", body
    assert body["error"]["message"].startswith("Scene 2 failed: "), body["error"]
    clips = _by_scene(await _scene_tasks(client, wid, h, "image_to_video"))
    assert [clips[f"scene-{i}"]["status"] for i in range(3)] == ["succeeded", "failed", "succeeded"]
    assert all(c["workflow_id"] == wid for c in clips.values())
