from __future__ import annotations

import httpx

from tests.support.api import assert_error


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
