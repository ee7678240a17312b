"""Bad input gets a clear 4xx in the error format and changes nothing; no trace ever leaks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.settings import Settings
from tests.support.api import BuildApp, assert_error, client_for, register


async def _users(app: FastAPI) -> int:
    async with app.state.runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def _add_task(app: FastAPI, user_id: str, prompt: str = "a red fox") -> uuid.UUID:
    """A finished task row, inserted directly (no worker involved)."""
    now = utcnow()
    task = Task(
        id=uuid.uuid4(),
        user_id=uuid.UUID(user_id),
        task_type=TaskType.prompt_enhance,
        status=TaskStatus.succeeded,
        input_data={"prompt": prompt},
        output_data={"text": "done"},
        output_urls=[],
        search_text=prompt,
        progress=100,
        attempts=1,
        cancel_requested=False,
        created_at=now,
        updated_at=now,
        finished_at=now,
    )
    async with app.state.runtime.sessionmaker() as session:
        session.add(task)
        await session.commit()
    return task.id


# -- bodies ------------------------------------------------------------------------------


MALFORMED_JSON = {
    "truncated": b'{"email": "a@example.com", "username": "abc", ',
    "single quotes": b"{'single': 'quotes'}",
    "trailing comma": b'{"username": "abc",}',
    "nul byte": b"nul\x00l",
    "not UTF-8": b"\xff\xfe",
    "empty": b"",
}


async def test_malformed_json_is_400_and_creates_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    for case, body in MALFORMED_JSON.items():
        r = await client.post(
            "/api/auth/register", content=body, headers={"Content-Type": "application/json"}
        )
        if case == "empty":
            # No body at all is "fields missing", not broken JSON.
            assert_error(r, 422, "validation_error")
            continue
        error = assert_error(r, 400, "invalid_json")
        assert "JSON" in error["message"], case
    assert await _users(app) == 0


async def test_wrong_types_are_422_with_the_fields(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/auth/register",
        json={"email": ["a@example.com"], "username": {"x": 1}, "password": 12345678},
    )
    error = assert_error(r, 422, "validation_error")
    assert sorted(d["field"] for d in error["details"]) == ["email", "password", "username"]
    for detail in error["details"]:
        assert set(detail) == {"field", "loc", "message", "type"}
        assert detail["loc"][0] == "body"
    assert "12345678" not in r.text


async def test_a_body_that_is_not_an_object_is_422(client: httpx.AsyncClient) -> None:
    for body in (b"[]", b'"text"', b"42", b"null"):
        r = await client.post(
            "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
        )
        assert_error(r, 422, "validation_error")


async def test_json_sent_as_another_type_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    r = await client.post(
        "/api/auth/register",
        content=b'{"email": "a@example.com", "username": "abc", "password": "s3cret-pass"}',
        headers={"Content-Type": "text/plain"},
    )
    assert r.status_code in (415, 422), r.text
    assert_error(r, r.status_code)
    assert await _users(app) == 0


async def test_an_oversized_json_body_is_413_and_creates_nothing(build_app: BuildApp) -> None:
    async with build_app(max_json_body_bytes=1024) as app, client_for(app) as client:
        padding = "x" * 2000
        body = {
            "email": "big@example.com",
            "username": "big",
            "password": "s3cret-pass",
            "pad": padding,
        }
        r = await client.post("/api/auth/register", json=body)
        error = assert_error(r, 413, "payload_too_large")
        assert error["details"] == {"max_bytes": 1024}
        assert "1 KiB" in error["message"]

        # The same without a Content-Length header (chunked): caught while reading.
        raw = httpx.Request("POST", "http://x", json=body).content

        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, len(raw), 256):
                yield raw[i : i + 256]

        r = await client.post(
            "/api/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
        )
        error = assert_error(r, 413, "payload_too_large")
        assert error["details"] == {"max_bytes": 1024}
        assert "1 KiB" in error["message"]
        assert await _users(app) == 0
        # Under the limit is fine, chunked or not.
        small = {k: v for k, v in body.items() if k != "pad"}
        raw = httpx.Request("POST", "http://x", json=small).content

        async def small_chunks() -> AsyncIterator[bytes]:
            yield raw[:10]
            yield raw[10:]

        r = await client.post(
            "/api/auth/register",
            content=small_chunks(),
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 201, r.text


# -- query parameters --------------------------------------------------------------------


BAD_QUERIES = [
    ({"status": "bogus"}, "status"),
    ({"status": "SUCCEEDED"}, "status"),
    ({"type": "teleport"}, "type"),
    ({"limit": "0"}, "limit"),
    ({"limit": "1000"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"workflow_id": "nope"}, "workflow_id"),
    ({"q": "x" * 201}, "q"),
]
BAD_CURSORS = [
    "garbage",
    "!!!!",
    "bm90IGEgY3Vyc29y",
    "MjAyNC0wMS0wMVQwMDowMDowMHxub3QtYS11dWlk",
    "é",
    "==",
]


async def test_bad_query_parameters_are_422(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for params, field in BAD_QUERIES:
        r = await client.get("/api/tasks", params=params, headers=user["headers"])
        error = assert_error(r, 422, "validation_error")
        assert [d["field"] for d in error["details"]] == [f"query.{field}"], params
        assert field in error["message"]


async def test_a_bad_cursor_is_400(client: httpx.AsyncClient, app: FastAPI) -> None:
    user = await register(client)
    await _add_task(app, user["user"]["id"])
    for cursor in BAD_CURSORS:
        r = await client.get("/api/tasks", params={"cursor": cursor}, headers=user["headers"])
        error = assert_error(r, 400, "invalid_cursor")
        assert "next_cursor" in error["message"], cursor


# -- other people's things ---------------------------------------------------------------


async def test_another_users_task_is_404_everywhere_and_untouched(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await register(client, "owner")
    intruder = await register(client, "intruder")
    task_id = await _add_task(app, owner["user"]["id"])
    unknown = uuid.uuid4()
    for method, path in (
        ("GET", "/api/tasks/{id}"),
        ("DELETE", "/api/tasks/{id}"),
        ("POST", "/api/tasks/{id}/retry"),
        ("POST", "/api/tasks/{id}/cancel"),
    ):
        theirs = await client.request(method, path.format(id=task_id), headers=intruder["headers"])
        nobodys = await client.request(method, path.format(id=unknown), headers=intruder["headers"])
        error = assert_error(theirs, 404, "task_not_found")
        assert nobodys.json()["error"] == error, (method, path)
    assert (await client.get("/api/tasks", headers=intruder["headers"])).json()["items"] == []
    r = await client.get(f"/api/tasks/{task_id}", headers=owner["headers"])
    assert r.status_code == 200
    assert r.json()["status"] == "succeeded"


async def test_a_malformed_task_id_is_422(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert_error(
        await client.get("/api/tasks/123", headers=user["headers"]), 422, "validation_error"
    )


# -- the framework's own errors ----------------------------------------------------------


async def test_a_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    r = await client.put("/api/auth/login", json={})
    assert_error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["allow"]
    assert_error(await client.delete("/api/health"), 405, "method_not_allowed")


async def test_an_unknown_path_is_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/auth/nothing-here")
    assert_error(r, 404, "not_found")


# -- bugs stay on our side ---------------------------------------------------------------


async def test_an_unexpected_error_is_a_500_without_a_trace(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    async def explode() -> None:
        raise RuntimeError("database password is hunter2 at /srv/creative_hub/secret.py")

    app.add_api_route("/api/test-explode", explode, methods=["GET"])
    r = await client.get("/api/test-explode", headers={"X-Request-ID": "report-me-1234"})
    error = assert_error(r, 500, "internal_error")
    assert error["details"] == {"request_id": "report-me-1234"}
    assert r.headers["x-request-id"] == "report-me-1234"
    for leak in ("hunter2", "Traceback", "RuntimeError", "secret.py", 'File "'):
        assert leak not in r.text
    # Without an incoming id, one is made up and given in both places.
    r = await client.get("/api/test-explode")
    error = assert_error(r, 500, "internal_error")
    assert error["details"]["request_id"]
    assert error["details"]["request_id"] == r.headers["x-request-id"]
    # The app keeps serving.
    assert (await client.get("/api/health")).status_code == 200


async def test_an_unexpected_error_in_a_dependency_is_a_500_too(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    from fastapi import Depends

    def broken_dependency() -> None:
        raise KeyError("internal-key-name")

    async def handler(_: None = Depends(broken_dependency)) -> dict[str, str]:
        return {"ok": "no"}

    app.add_api_route("/api/test-broken-dependency", handler, methods=["POST"])
    r = await client.post("/api/test-broken-dependency", json={})
    assert_error(r, 500, "internal_error")
    assert "internal-key-name" not in r.text


async def test_an_oversized_body_on_a_real_socket_gets_the_413_not_a_reset(
    live_server: str, settings: Settings
) -> None:
    """A client still sending when the 413 is ready reads the answer (a browser too)."""
    body = b'{"pad": "' + b"x" * (settings.max_json_body_bytes * 8) + b'"}'
    async with httpx.AsyncClient(base_url=live_server) as client:
        r = await client.post(
            "/api/auth/register", content=body, headers={"Content-Type": "application/json"}
        )
    assert_error(r, 413, "payload_too_large")
