"""The task engine through the history API: run, fail, cancel, retry, time out, limit."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from creative_hub.models.enums import TaskType
from creative_hub.tasks.registry import HandlerRegistry, default_registry
from tests.support.api import assert_error, register, wait_for_status
from tests.support.tasks import Script, create_task, install_scripted_handler

DONE = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def handlers(script: Script) -> HandlerRegistry:
    registry = default_registry.copy()
    install_scripted_handler(registry, script)
    registry.unregister(TaskType.music)  # a type this server cannot run
    return registry


async def test_a_task_runs_to_success_with_progress(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "a calm sea", "steps": 3})
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "succeeded"
    assert task["progress"] == 100
    assert task["output_data"] == {"echo": "a calm sea", "attempt": 1}
    assert task["attempts"] == 1
    assert task["error"] is None
    assert task["provider"] == "test" and task["model"] == "scripted"
    assert task["started_at"] and task["finished_at"]
    assert task["started_at"] <= task["finished_at"]


async def test_a_job_error_fails_the_task_with_its_code(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "x", "fail": "job"})
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "failed"
    assert task["error"] == {
        "code": "prompt_rejected",
        "message": "The prompt was rejected; rephrase it.",
    }


async def test_an_unexpected_crash_fails_without_leaking_internals(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "x", "fail": "crash"})
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "failed"
    assert task["error"]["code"] == "internal_error"
    assert "secret" not in task["error"]["message"] and "passwd" not in task["error"]["message"]


async def test_a_task_type_without_a_worker_fails_clearly(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    from creative_hub.models.enums import TaskType

    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "x"}, TaskType.music)
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "failed"
    assert task["error"]["code"] == "no_worker"


async def test_cancel_a_queued_task_means_it_never_runs(
    app: FastAPI, client: httpx.AsyncClient, script: Script
) -> None:
    me = await register(client)
    # Fill both worker slots, so the third task waits in the queue.
    blockers = [await create_task(app, me["user"]["id"], {"block": True}) for _ in range(2)]
    for blocker in blockers:
        await wait_for_status(client, blocker, me["headers"], {"running"})
    waiting = await create_task(app, me["user"]["id"], {"prompt": "later"})
    r = await client.post(f"/api/tasks/{waiting}/cancel", headers=me["headers"])
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"
    script.gate.set()
    for blocker in blockers:
        await wait_for_status(client, blocker, me["headers"], DONE)
    await asyncio.sleep(0.3)
    assert (await client.get(f"/api/tasks/{waiting}", headers=me["headers"])).json()[
        "status"
    ] == "cancelled"
    assert waiting not in [str(t) for t in script.started]


async def test_cancel_a_running_task_stops_it(
    app: FastAPI, client: httpx.AsyncClient, script: Script
) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"block": True})
    await wait_for_status(client, task_id, me["headers"], {"running"})
    r = await client.post(f"/api/tasks/{task_id}/cancel", headers=me["headers"])
    assert r.status_code == 200
    assert r.json()["cancel_requested"] is True
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "cancelled"
    assert [str(t) for t in script.cancelled_seen] == [task_id]


async def test_cancel_is_cooperative_between_steps(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"steps": 50, "sleep": 0.05})
    await wait_for_status(client, task_id, me["headers"], {"running"})
    await client.post(f"/api/tasks/{task_id}/cancel", headers=me["headers"])
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "cancelled"
    assert task["progress"] < 99


async def test_finished_tasks_cannot_be_cancelled(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "x"})
    await wait_for_status(client, task_id, me["headers"], DONE)
    assert_error(await client.post(f"/api/tasks/{task_id}/cancel", headers=me["headers"]), 409,
                 "task_not_cancellable")  # fmt: skip


async def test_retry_runs_a_failed_task_again(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    task_id = await create_task(
        app, me["user"]["id"], {"prompt": "flaky", "fail_first_attempt": True}
    )
    first = await wait_for_status(client, task_id, me["headers"], DONE)
    assert first["status"] == "failed" and first["error"]["code"] == "flaky"
    r = await client.post(f"/api/tasks/{task_id}/retry", headers=me["headers"])
    assert r.status_code == 202
    assert r.json()["status"] == "queued" and r.json()["error"] is None
    second = await wait_for_status(client, task_id, me["headers"], DONE)
    assert second["status"] == "succeeded"
    assert second["attempts"] == 2
    assert second["output_data"]["attempt"] == 2


async def test_only_failed_or_cancelled_tasks_can_be_retried(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "x"})
    await wait_for_status(client, task_id, me["headers"], DONE)
    assert_error(await client.post(f"/api/tasks/{task_id}/retry", headers=me["headers"]), 409,
                 "task_not_retryable")  # fmt: skip


async def test_concurrency_is_bounded_by_settings(
    app: FastAPI, client: httpx.AsyncClient, script: Script
) -> None:
    me = await register(client)
    ids = [await create_task(app, me["user"]["id"], {"block": True}) for _ in range(5)]
    await wait_for_status(client, ids[0], me["headers"], {"running"})
    await asyncio.sleep(0.3)
    assert script.running == app.state.runtime.settings.queue_concurrency == 2
    script.gate.set()
    for task_id in ids:
        assert (await wait_for_status(client, task_id, me["headers"], DONE))[
            "status"
        ] == "succeeded"
    assert script.max_running == 2


async def test_a_claimed_task_runs_once_even_if_handed_out_twice(
    app: FastAPI, client: httpx.AsyncClient, script: Script
) -> None:
    me = await register(client)
    task_id = await create_task(app, me["user"]["id"], {"prompt": "once"}, enqueue=False)
    executor = app.state.runtime.executor
    import uuid

    await asyncio.gather(*(executor.execute(uuid.UUID(task_id)) for _ in range(3)))
    task = await wait_for_status(client, task_id, me["headers"], DONE)
    assert task["status"] == "succeeded"
    assert [str(t) for t in script.started] == [task_id]


async def test_usage_is_recorded_once_when_a_task_succeeds(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    from creative_hub.usage import service as usage

    me = await register(client)
    ok = await create_task(app, me["user"]["id"], {"prompt": "x", "usage": 2.5})
    failed = await create_task(app, me["user"]["id"], {"usage": 9, "fail": "job"})
    for task_id in (ok, failed):
        await wait_for_status(client, task_id, me["headers"], DONE)
    import uuid

    async with app.state.runtime.sessionmaker() as session:
        month = await usage.this_month(session, uuid.UUID(me["user"]["id"]))
    assert month["totals"] == {"audio_seconds": 2.5}
    assert month["by_capability"] == [
        {"capability": "speech", "provider": "test", "unit": "audio_seconds", "quantity": 2.5,
         "count": 1}
    ]  # fmt: skip
