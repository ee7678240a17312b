"""The history page's statement is built once per shape and run on the driver
(tasks/page_query.py, db/prepared.py): every filter's value reaches the database
converted as SQLAlchemy would convert it, and one shape's statement serves other values."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.models.workflow import Workflow
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.search import search_columns
from creative_hub.tasks.service import TaskService
from tests.support.api import register

_BASE = datetime(2026, 5, 1, 9, 0, 0, tzinfo=UTC)
# Finished tasks only: the database is shared, and other tests' job runners and
# recovery would pick up queued or running ones (and change them mid-test).
_KINDS = [
    (TaskType.image_generation, TaskStatus.succeeded, "a red lighthouse at dusk"),
    (TaskType.speech, TaskStatus.failed, "灯塔 的 故事"),
    (TaskType.music, TaskStatus.cancelled, "lighthouse theme, slow"),
    (TaskType.image_generation, TaskStatus.failed, "a blue barn"),
    (TaskType.text_to_video, TaskStatus.succeeded, "灯塔 at night, lighthouse beam"),
]


async def test_json_pages_match_row_pages_for_every_filter(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    user_id = uuid.UUID(me["user"]["id"])
    runtime = app.state.runtime
    async with runtime.sessionmaker() as session:
        workflow = Workflow(user_id=user_id, name="w")
        session.add(workflow)
        await session.flush()
        for i in range(15):
            task_type, status, prompt = _KINDS[i % len(_KINDS)]
            input_data = {"prompt": f"{prompt} #{i}"}
            session.add(
                Task(
                    user_id=user_id, task_type=task_type, status=status, input_data=input_data,
                    workflow_id=workflow.id if i % 3 == 0 else None,
                    created_at=_BASE + timedelta(minutes=i), **search_columns(input_data),
                )
            )  # fmt: skip
        await session.commit()
        user = await session.get(User, user_id)
        assert user is not None

    cases = [
        TaskFilters(),
        TaskFilters(task_type=TaskType.image_generation),
        TaskFilters(task_type=TaskType.speech),  # same shape, another value
        TaskFilters(status=TaskStatus.failed),
        TaskFilters(created_after=_BASE + timedelta(minutes=4)),
        TaskFilters(
            created_after=_BASE + timedelta(minutes=2), created_before=_BASE + timedelta(minutes=9)
        ),
        TaskFilters(workflow_id=workflow.id),
        TaskFilters(workflow_id=uuid.uuid4()),
        TaskFilters(task_types=(TaskType.music, TaskType.text_to_video)),
        TaskFilters(q="lighthouse"),
        TaskFilters(q="barn"),  # same shape, another term
        TaskFilters(q="灯塔"),
        TaskFilters(q="灯塔 lighthouse", status=TaskStatus.succeeded),
        TaskFilters(q="a"),  # one character: no index
    ]
    async with runtime.sessionmaker() as session:
        service = TaskService(session, runtime.bus, runtime.store)
        for filters in cases:
            seen_rows: list[uuid.UUID] = []
            seen_json: list[uuid.UUID] = []
            cursors: list[str | None] = [None, None]
            while True:  # pages of 4, following each path's own cursor
                rows, cursors[0] = await service.list(user, filters, limit=4, cursor=cursors[0])
                items, cursors[1] = await service.list_json(
                    user, filters, limit=4, cursor=cursors[1]
                )
                seen_rows += [row.id for row in rows]
                seen_json += [uuid.UUID(httpx.Response(200, text=i).json()["id"]) for i in items]
                assert cursors[0] == cursors[1], filters
                if cursors[0] is None:
                    break
            assert seen_json == seen_rows, filters
            if filters is not cases[7]:  # a workflow with no tasks
                assert seen_rows, f"{filters} should match some tasks"
