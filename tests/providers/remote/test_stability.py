"""Stability AI through the hub: multipart text-to-image on the v2beta services, the
content filter as content_rejected, and the API's failures as task errors."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image

from tests.providers.remote.conftest import Hub, StartServer
from tests.providers.remote.servers import Fault
from tests.providers.remote.servers.stability import StabilityServer

IMAGE = {"prompt": "a lighthouse at dusk", "width": 1280, "height": 720, "seed": 9}


@pytest.fixture
async def stability(protocol_server: StartServer) -> AsyncIterator[tuple[StabilityServer, str]]:
    server = StabilityServer()
    yield server, await protocol_server(server.app())
    server.faults.stop.set()


async def add(hub: Hub, url: str, key: str, **extra: Any) -> None:
    await hub.add_provider(
        kind="stability",
        name="stability",
        base_url=url,
        api_key=key,
        settings={"max_retries": 1, "timeout": 5, **extra},
    )


async def test_core_with_style_preset(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    server, url = stability
    await add(hub, url, server.api_key)
    models = await hub.client.get("/api/images/models", headers=hub.user["headers"])
    assert {"stability/core", "stability/sd3.5-large"} <= {m["id"] for m in models.json()["items"]}

    task = await hub.run(
        "/api/images/generations",
        {**IMAGE, "negative_prompt": "fog", "style": "cinematic", "model": "stability/core"},
    )

    assert task["status"] == "succeeded", task
    assert server.requests[-1] == {
        "service": "core",
        "prompt": "a lighthouse at dusk",
        "negative_prompt": "fog",
        "aspect_ratio": "16:9",  # closest to 1280x720
        "seed": "9",
        "style_preset": "cinematic",
        "output_format": "png",
    }
    image = task["output_data"]["images"][0]
    r = await hub.client.get(image["url"], headers=hub.user["headers"])
    with Image.open(io.BytesIO(r.content)) as png:
        # The service's size for 16:9, reported as such.
        assert (png.format, png.size) == ("PNG", (1344, 768))
    assert (image["width"], image["height"], image["seed"]) == (1344, 768, 9)
    assert server.api_key not in str(task)


async def test_sd3_model_goes_to_the_sd3_service(
    hub: Hub, stability: tuple[StabilityServer, str]
) -> None:
    server, url = stability
    await add(hub, url, server.api_key)

    task = await hub.run(
        "/api/images/generations",
        {**IMAGE, "width": 512, "height": 768, "model": "stability/sd3.5-large-turbo"},
    )

    assert task["status"] == "succeeded", task
    sent = server.requests[-1]
    assert (sent["service"], sent["model"], sent["aspect_ratio"]) == (
        "sd3",
        "sd3.5-large-turbo",
        "2:3",
    )


async def test_content_filtered_is_content_rejected(
    hub: Hub, stability: tuple[StabilityServer, str]
) -> None:
    server, url = stability
    await add(hub, url, server.api_key)

    task = await hub.run(
        "/api/images/generations", {**IMAGE, "prompt": "something forbidden", "model": "stability"}
    )

    assert task["error"]["code"] == "content_rejected", task
    assert task["output_urls"] == []  # the blurred image is not kept


async def test_wrong_key(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    _, url = stability
    await add(hub, url, "sk-not-the-right-key")

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "stability/core"})

    assert task["error"]["code"] == "invalid_api_key", task
    assert "Missing or invalid API key" in task["error"]["message"]
    assert "sk-not-the-right-key" not in str(task)


async def test_rate_limited_then_success(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    server, url = stability
    await add(hub, url, server.api_key)
    server.faults.add(Fault(status=429, retry_after=0))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "stability/core"})

    assert task["status"] == "succeeded", task
    assert len(server.requests) == 1 and not server.faults.queue  # refused, then served


async def test_rate_limited_twice(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    server, url = stability
    await add(hub, url, server.api_key)
    server.faults.add(Fault(status=429, retry_after=0), Fault(status=429, retry_after=0))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "stability/core"})

    assert task["error"]["code"] == "rate_limited", task


async def test_timeout(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    server, url = stability
    await add(hub, url, server.api_key, timeout=0.5)
    server.faults.add(Fault(hang=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "stability/core"})

    assert task["error"]["code"] == "provider_unavailable", task


async def test_malformed_response(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    server, url = stability
    await add(hub, url, server.api_key)
    server.faults.add(Fault(malformed=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "stability/core"})

    assert task["error"]["code"] == "provider_error", task
    assert "no image in the response (text/html" in task["error"]["message"]


async def test_connection_check(hub: Hub, stability: tuple[StabilityServer, str]) -> None:
    server, url = stability
    await add(hub, url, server.api_key)
    providers = await hub.client.get("/api/admin/providers", headers=hub.admin["headers"])
    provider_id = providers.json()["items"][0]["id"]

    r = await hub.client.post(
        f"/api/admin/providers/{provider_id}/test", headers=hub.admin["headers"]
    )

    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and "42.5 credits" in r.json()["message"]
