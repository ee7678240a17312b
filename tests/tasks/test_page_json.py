"""The history page's JSON, written by the database (tasks/page_json.py), says exactly what
TaskRead says about each task, for every kind of value a task can hold."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.workflow import Workflow
from creative_hub.tasks.schemas import TaskRead
from tests.support.api import register

_TIMES = ("created_at", "started_at", "finished_at")


def _same_instant(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return bool(datetime.fromisoformat(a) == datetime.fromisoformat(b))


def _variety(user_id: uuid.UUID, workflow_id: uuid.UUID) -> list[Task]:
    base = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    tricky = 'quote " backslash \\ newline \n tab \t 咖啡馆 emoji 🎬 </script>'
    return [
        Task(  # a failure without a message, nothing produced
            user_id=user_id, task_type=TaskType.image_generation, status=TaskStatus.failed,
            input_data={"prompt": tricky, "width": 512, "ratio": 1.5, "hd": True, "neg": None},
            output_data=None, output_urls=None, error_code="provider_error",
            error_message=None, created_at=base, started_at=base, finished_at=None,
        ),
        Task(  # done, with outputs, inside a workflow, exact-second timestamps
            user_id=user_id, task_type=TaskType.speech, status=TaskStatus.succeeded,
            input_data={"text": "你好", "voice": "local/en", "nested": {"list": [1, "a", None]}},
            output_data={"duration": 2.25, "words": ["a", "b"]},
            output_urls=["/api/assets/1", "/api/assets/2"], progress=100,
            progress_message="Done.", provider="local", model="local/piper",
            attempts=1, workflow_id=workflow_id, created_at=base + timedelta(seconds=1),
            started_at=base + timedelta(seconds=2, microseconds=5),
            finished_at=base + timedelta(seconds=3, microseconds=999_999),
        ),
        # Stopped part-way, an error message with markup. Finished tasks only: the
        # database is shared, and other tests' runners and recovery would pick up a
        # running one (and change it mid-test).
        Task(
            user_id=user_id, task_type=TaskType.music, status=TaskStatus.cancelled,
            input_data={}, output_urls=[], progress=42, progress_message=tricky,
            cancel_requested=True, error_code="x", error_message="<b>bold</b> & 'single'",
            created_at=base + timedelta(seconds=2, microseconds=123_456),
        ),
    ]  # fmt: skip


async def test_each_item_matches_taskread(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    user_id = uuid.UUID(me["user"]["id"])
    async with app.state.runtime.sessionmaker() as session:
        workflow = Workflow(user_id=user_id, name="w")
        session.add(workflow)
        await session.flush()
        tasks = _variety(user_id, workflow.id)
        session.add_all(tasks)
        await session.commit()
        expected = {
            str(t.id): TaskRead.from_model(t).model_dump(mode="json")
            for t in [await session.get(Task, t.id, populate_existing=True) for t in tasks]
            if t is not None
        }

    r = await client.get("/api/tasks", params={"limit": 2}, headers=me["headers"])
    assert r.status_code == 200, r.text
    first = r.json()
    r = await client.get(
        "/api/tasks", params={"limit": 2, "cursor": first["next_cursor"]}, headers=me["headers"]
    )
    second = r.json()
    assert second["next_cursor"] is None
    items = first["items"] + second["items"]
    assert [i["id"] for i in items] == [str(t.id) for t in reversed(tasks)]  # newest first

    for item in items:
        want = expected[item["id"]]
        assert set(item) == set(want)
        for key, value in want.items():
            if key in _TIMES:
                assert _same_instant(item[key], value), (key, item[key], value)
            else:
                assert item[key] == value, (key, item[key], value)
    assert items[0]["error"] == {"code": "x", "message": "<b>bold</b> & 'single'"}
    assert items[2]["error"] == {"code": "provider_error", "message": ""}
    assert items[2]["output_urls"] == [] and items[2]["output_data"] is None
    assert items[0]["cancel_requested"] is True and items[1]["workflow_id"] == str(workflow.id)
