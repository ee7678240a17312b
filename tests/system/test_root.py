from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from creative_hub.models.enums import TaskType
from tests.support.api import assert_error, register
from tests.support.tasks import create_task


async def test_api_root_names_the_product(client: httpx.AsyncClient) -> None:
    r = await client.get("/api")
    assert r.status_code == 200
    assert r.json()["name"] == "Creative Hub"
    assert r.json()["version"]


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/health")).json() == {"status": "ok"}
    r = await client.get("/api/ready")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "queue": "ok", "storage": "ok"}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/health")
    assert len(r.headers["x-request-id"]) >= 8
    mine = await client.get("/api/health", headers={"X-Request-ID": "trace-me-12345"})
    assert mine.headers["x-request-id"] == "trace-me-12345"


async def test_unknown_path_is_a_404_in_the_error_format(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/nope"), 404, "not_found")


async def test_ready_is_503_naming_the_failed_checks(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    runtime = app.state.runtime
    healthy_engine = runtime.engine
    runtime.engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    await runtime.queue.stop()  # the job runner died
    try:
        r = await client.get("/api/ready")
    finally:
        await runtime.engine.dispose()
        runtime.engine = healthy_engine
    error = assert_error(r, 503, "not_ready")
    assert "database" in error["message"] and "queue" in error["message"]
    assert error["details"]["checks"]["storage"] == "ok"
    assert error["details"]["checks"]["database"].startswith("failed")


async def test_metrics_show_traffic_tasks_and_queue(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    await app.state.runtime.queue.stop()  # keep the task waiting
    await create_task(app, me["user"]["id"], {"prompt": "counted"}, TaskType.music, enqueue=False)
    await client.get("/api/tasks", headers=me["headers"])
    text = (await client.get("/metrics")).text
    assert (
        'creative_hub_http_requests_total{method="GET",route="/api/tasks",status="200"} 1.0' in text
    )
    assert "creative_hub_http_request_duration_seconds_bucket" in text
    assert 'creative_hub_tasks{status="queued",task_type="music"} 1.0' in text
    assert "creative_hub_queue_depth 1.0" in text


async def test_openapi_documents_the_error_format(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    listing = spec["paths"]["/api/tasks"]["get"]["responses"]
    assert listing["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorResponse"
    )
    assert {"/api/tasks/{task_id}/events", "/api/assets", "/api/auth/login"} <= set(spec["paths"])
