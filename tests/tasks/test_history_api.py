"""The history API: newest first, cursor pages, filters, full-text search, stats, delete."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from tests.support.api import assert_error, register
from tests.support.tasks import create_task


async def _make(app: FastAPI, user_id: str, prompt: str, task_type: TaskType = TaskType.speech,
                status: TaskStatus = TaskStatus.succeeded, age_days: float = 0) -> str:  # fmt: skip
    task_id = await create_task(app, user_id, {"prompt": prompt}, task_type, enqueue=False)
    created = utcnow() - timedelta(days=age_days)
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(Task)
            .where(Task.id == uuid.UUID(task_id))
            .values(status=status, created_at=created)
        )
        await session.commit()
    return task_id


async def _list(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    r = await client.get("/api/tasks", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_newest_first_and_cursor_pages_cover_everything_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    made = [await _make(app, me["user"]["id"], f"prompt {i}", age_days=i) for i in range(23)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        page = await _list(client, me["headers"], **params)
        seen += [t["id"] for t in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == made  # made[0] is the newest


async def test_tasks_with_the_same_timestamp_page_without_loss(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    ids = [await _make(app, me["user"]["id"], f"twin {i}") for i in range(5)]
    stamp = utcnow()
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(update(Task).values(created_at=stamp))
        await session.commit()
    first = await _list(client, me["headers"], limit=2)
    second = await _list(client, me["headers"], limit=2, cursor=first["next_cursor"])
    third = await _list(client, me["headers"], limit=2, cursor=second["next_cursor"])
    got = [t["id"] for page in (first, second, third) for t in page["items"]]
    assert sorted(got) == sorted(ids) and len(set(got)) == 5


async def test_filters_by_type_status_and_date(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    uid = me["user"]["id"]
    speech_ok = await _make(app, uid, "a", TaskType.speech, TaskStatus.succeeded, age_days=1)
    music_failed = await _make(app, uid, "b", TaskType.music, TaskStatus.failed, age_days=10)
    image_ok = await _make(
        app, uid, "c", TaskType.image_generation, TaskStatus.succeeded, age_days=40
    )

    def ids(page: dict[str, Any]) -> set[str]:
        return {t["id"] for t in page["items"]}

    assert ids(await _list(client, me["headers"], type="music")) == {music_failed}
    assert ids(await _list(client, me["headers"], status="succeeded")) == {speech_ok, image_ok}
    assert ids(await _list(client, me["headers"], type="speech", status="failed")) == set()
    after = (utcnow() - timedelta(days=20)).isoformat()
    before = (utcnow() - timedelta(days=5)).isoformat()
    assert ids(await _list(client, me["headers"], created_after=after)) == {speech_ok, music_failed}
    assert ids(await _list(client, me["headers"], created_before=before)) == {
        music_failed,
        image_ok,
    }
    assert ids(await _list(client, me["headers"], created_after=after, created_before=before)) == {
        music_failed
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lighthouse", {"lighthouse"}),
        ("LIGHTHOUSE storm", {"lighthouse"}),  # every word, any case
        ("storm", {"lighthouse", "storm"}),
        ("咖啡", {"coffee_zh"}),  # two characters: under the trigram size
        ("咖啡豆的烘焙", {"coffee_zh"}),
        ("豆的", {"coffee_zh"}),  # a substring in the middle of a Chinese sentence
        ("烘焙 咖啡", {"coffee_zh"}),  # two 2-character words, any order
        ("咖啡 storm", set()),  # every word must match
        ("灯塔", {"lighthouse_zh"}),  # a 2-character word next to Latin text and digits
        ("塔a", {"lighthouse_zh"}),  # two characters, one not CJK: still a substring
        ("St", {"lighthouse", "storm"}),  # two Latin letters, any case
        ("100%", {"percent"}),  # LIKE wildcards are literal
        ("snake_case", {"underscore"}),
        ("nothing-like-this", set()),
    ],
)
async def test_full_text_search_over_prompts(
    app: FastAPI, client: httpx.AsyncClient, query: str, expected: set[str]
) -> None:
    me = await register(client)
    uid = me["user"]["id"]
    made = {
        "lighthouse": await _make(app, uid, "A lighthouse in a storm, oil painting"),
        "storm": await _make(app, uid, "storm clouds over wheat"),
        "coffee_zh": await _make(app, uid, "一段关于咖啡豆的烘焙过程的视频"),
        "lighthouse_zh": await _make(app, uid, "Night 灯塔a 2024"),
        "percent": await _make(app, uid, "100% cotton texture"),
        "underscore": await _make(app, uid, "name it snake_case please"),
        "decoy": await _make(app, uid, "1000 cottons and snakeXcase"),
    }
    page = await _list(client, me["headers"], q=query)
    by_id = {v: k for k, v in made.items()}
    assert {by_id[t["id"]] for t in page["items"]} == expected


async def test_search_combines_with_filters_and_pages(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    uid = me["user"]["id"]
    for i in range(7):
        await _make(app, uid, f"sunset number {i}", TaskType.image_generation, age_days=i)
    await _make(app, uid, "sunset as speech", TaskType.speech)
    first = await _list(client, me["headers"], q="sunset", type="image_generation", limit=5)
    second = await _list(client, me["headers"], q="sunset", type="image_generation", limit=5,
                         cursor=first["next_cursor"])  # fmt: skip
    assert len(first["items"]) == 5 and len(second["items"]) == 2
    assert second["next_cursor"] is None


async def test_search_sees_edits_and_deletes(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    task_id = await _make(app, me["user"]["id"], "zebra crossing")
    assert len((await _list(client, me["headers"], q="zebra"))["items"]) == 1
    r = await client.delete(f"/api/tasks/{task_id}", headers=me["headers"])
    assert r.status_code == 204
    assert (await _list(client, me["headers"], q="zebra"))["items"] == []


async def test_users_see_only_their_own_tasks(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice = await register(client)
    bob = await register(client)
    secret = await _make(app, alice["user"]["id"], "alice private prompt")
    assert (await _list(client, bob["headers"]))["items"] == []
    assert (await _list(client, bob["headers"], q="private"))["items"] == []
    for method, path in [
        ("GET", f"/api/tasks/{secret}"),
        ("DELETE", f"/api/tasks/{secret}"),
        ("POST", f"/api/tasks/{secret}/retry"),
        ("POST", f"/api/tasks/{secret}/cancel"),
        ("GET", f"/api/tasks/{secret}/events"),
    ]:
        assert_error(
            await client.request(method, path, headers=bob["headers"]), 404, "task_not_found"
        )
    # Still there for its owner.
    assert (await client.get(f"/api/tasks/{secret}", headers=alice["headers"])).status_code == 200


async def test_stats_count_by_type_and_status(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    other = await register(client)
    uid = me["user"]["id"]
    await _make(app, uid, "a", TaskType.speech, TaskStatus.succeeded)
    await _make(app, uid, "b", TaskType.speech, TaskStatus.failed)
    await _make(app, uid, "c", TaskType.music, TaskStatus.succeeded)
    await _make(app, other["user"]["id"], "not mine", TaskType.music, TaskStatus.failed)
    stats = (await client.get("/api/tasks/stats", headers=me["headers"])).json()
    assert stats["total"] == 3
    assert stats["by_status"] == {
        "queued": 0,
        "running": 0,
        "succeeded": 2,
        "failed": 1,
        "cancelled": 0,
    }
    assert stats["by_type"] == {"speech": 2, "music": 1}
    assert stats["by_type_and_status"]["speech"] == {"succeeded": 1, "failed": 1}


async def test_delete_removes_the_task_and_its_files(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    from creative_hub.assets import service as assets

    me = await register(client)
    runtime = app.state.runtime
    keep = await _make(app, me["user"]["id"], "keeper")
    doomed = await _make(app, me["user"]["id"], "doomed")
    owner = uuid.UUID(me["user"]["id"])

    async def save(data: bytes, task_id: str) -> Any:
        return await assets.save_bytes(
            session, runtime.store, user_id=owner, data=data, mime_type="text/plain",
            task_id=uuid.UUID(task_id),
        )  # fmt: skip

    async with runtime.sessionmaker() as session:
        own = await save(b"only-doomed", doomed)
        shared_a = await save(b"shared", doomed)
        shared_b = await save(b"shared", keep)
        await session.commit()
    own_path = runtime.store.path_of(own.storage_key)
    shared_path = runtime.store.path_of(shared_a.storage_key)
    assert own_path.exists() and shared_path.exists()

    assert (await client.delete(f"/api/tasks/{doomed}", headers=me["headers"])).status_code == 204
    assert_error(await client.get(f"/api/tasks/{doomed}", headers=me["headers"]), 404)
    assert_error(await client.get(f"/api/assets/{own.id}", headers=me["headers"]), 404)
    assert not own_path.exists()
    # Bytes another task still uses stay.
    assert shared_path.exists()
    r = await client.get(f"/api/assets/{shared_b.id}", headers=me["headers"])
    assert r.status_code == 200 and r.content == b"shared"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "validation_error"),
        ({"limit": 101}, "validation_error"),
        ({"status": "done"}, "validation_error"),
        ({"type": "hologram"}, "validation_error"),
        ({"created_after": "yesterday"}, "validation_error"),
        ({"cursor": "not-a-cursor!!"}, "invalid_cursor"),
        ({"cursor": "bm90fGE"}, "invalid_cursor"),
    ],
)
async def test_bad_list_parameters_are_clear_errors(
    client: httpx.AsyncClient, params: dict[str, Any], code: str
) -> None:
    me = await register(client)
    r = await client.get("/api/tasks", headers=me["headers"], params=params)
    assert_error(r, 400 if code == "invalid_cursor" else 422, code)


async def test_a_malformed_task_id_is_a_validation_error(client: httpx.AsyncClient) -> None:
    me = await register(client)
    assert_error(
        await client.get("/api/tasks/not-a-uuid", headers=me["headers"]), 422, "validation_error"
    )


async def test_a_task_reads_the_same_in_the_list_and_on_its_own(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """The page is serialised on a faster path than GET /api/tasks/{id}: same JSON."""
    me = await register(client)
    ok = await _make(app, me["user"]["id"], "a calm lake")
    failed = await _make(app, me["user"]["id"], "a storm", status=TaskStatus.failed)
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(Task)
            .where(Task.id == uuid.UUID(failed))
            .values(error_code="provider_error", error_message="It broke.", finished_at=utcnow())
        )
        await session.commit()
    listed = {t["id"]: t for t in (await _list(client, me["headers"]))["items"]}
    for task_id in (ok, failed):
        single = await client.get(f"/api/tasks/{task_id}", headers=me["headers"])
        assert listed[task_id] == single.json()
    assert listed[failed]["error"] == {"code": "provider_error", "message": "It broke."}
