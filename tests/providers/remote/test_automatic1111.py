"""AUTOMATIC1111 / Forge through the hub: txt2img with the chosen checkpoint, progress from
/sdapi/v1/progress, interrupt on cancel, HTTP Basic (`--api-auth`), failures; img2img on
the adapter itself (the hub has no image-to-image endpoint yet)."""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from PIL import Image

from creative_hub.providers.base import Capability, ImageRequest
from creative_hub.providers.remote.a1111 import A1111Images
from creative_hub.providers.remote.config import Connection, ProviderConfig
from creative_hub.settings import Settings
from tests.providers.remote.conftest import Hub, StartServer
from tests.providers.remote.servers import Fault, png_bytes
from tests.providers.remote.servers.a1111 import A1111Server
from tests.support.api import wait_for_status

IMAGE = {"prompt": "a red fox", "negative_prompt": "blurry", "width": 320, "height": 256}


@pytest.fixture
async def webui(protocol_server: StartServer) -> AsyncIterator[tuple[A1111Server, str]]:
    server = A1111Server(auth=("artist", "pa55word"))
    yield server, await protocol_server(server.app())
    server.faults.stop.set()
    server.gate.set()


async def add(hub: Hub, url: str, key: str = "artist:pa55word", **extra: Any) -> None:
    await hub.add_provider(
        kind="automatic1111",
        name="forge",
        base_url=url,
        api_key=key,
        settings={"progress_interval": 0.05, "max_retries": 1, "timeout": 5, **extra},
    )


async def start(hub: Hub, body: dict[str, Any]) -> str:
    r = await hub.client.post("/api/images/generations", json=body, headers=hub.user["headers"])
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


async def wait_for_step(hub: Hub, task_id: str) -> dict[str, Any]:
    """The task once the hub has recorded the WebUI's first sampling step."""
    for _ in range(400):
        r = await hub.client.get(f"/api/tasks/{task_id}", headers=hub.user["headers"])
        task: dict[str, Any] = r.json()
        if task["progress_message"] == "Step 1 of 50":
            return task
        assert task["status"] in ("queued", "running"), task
        await asyncio.sleep(0.05)
    raise AssertionError(f"no progress recorded: {task}")


async def test_txt2img_with_the_chosen_checkpoint(hub: Hub, webui: tuple[A1111Server, str]) -> None:
    server, url = webui
    await add(hub, url, steps=50)
    models = await hub.client.get("/api/images/models", headers=hub.user["headers"])
    ids = {m["id"] for m in models.json()["items"]}
    assert {"forge/v1-5-pruned-emaonly", "forge/sd_xl_base_1.0"} <= ids

    task = await hub.run(
        "/api/images/generations", {**IMAGE, "seed": 42, "model": "forge/sd_xl_base_1.0"}
    )

    assert task["status"] == "succeeded", task
    mode, body = server.requests[-1]
    assert mode == "txt2img"
    assert body["prompt"] == "a red fox" and body["negative_prompt"] == "blurry"
    assert (body["width"], body["height"], body["seed"], body["steps"]) == (320, 256, 42, 50)
    assert body["override_settings"] == {"sd_model_checkpoint": "sd_xl_base_1.0"}
    image = task["output_data"]["images"][0]
    assert image["seed"] == 42
    r = await hub.client.get(image["url"], headers=hub.user["headers"])
    with Image.open(io.BytesIO(r.content)) as png:
        assert (png.format, png.size) == ("PNG", (320, 256))
    assert "pa55word" not in str(task)


async def test_progress_then_success(hub: Hub, webui: tuple[A1111Server, str]) -> None:
    server, url = webui
    await add(hub, url, steps=50)
    server.gate.clear()  # sampling holds after the first step

    task_id = await start(hub, {**IMAGE, "model": "forge"})
    held = await wait_for_step(hub, task_id)
    server.gate.set()
    done = await wait_for_status(hub.client, task_id, hub.user["headers"], {"succeeded"})

    assert held["status"] == "running" and 0 < held["progress"] < 100
    assert done["progress"] == 100 and server.interrupts == 0


async def test_cancel_mid_run_interrupts_the_webui(
    hub: Hub, webui: tuple[A1111Server, str]
) -> None:
    server, url = webui
    await add(hub, url, steps=50)
    server.gate.clear()
    task_id = await start(hub, {**IMAGE, "model": "forge"})
    await wait_for_step(hub, task_id)

    r = await hub.client.post(f"/api/tasks/{task_id}/cancel", headers=hub.user["headers"])
    assert r.status_code == 200, r.text
    task = await wait_for_status(hub.client, task_id, hub.user["headers"], {"cancelled"})

    assert task["status"] == "cancelled"
    assert server.interrupts == 1  # the WebUI stops sampling (the gate is still closed)


async def test_wrong_credentials_are_invalid_api_key(
    hub: Hub, webui: tuple[A1111Server, str]
) -> None:
    _, url = webui
    await add(hub, url, key="artist:wrong-password")

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "forge/any"})

    assert task["error"]["code"] == "invalid_api_key", task
    assert "wrong-password" not in str(task)


async def test_unavailable_then_success(hub: Hub, webui: tuple[A1111Server, str]) -> None:
    server, url = webui
    await add(hub, url)
    server.faults.add(Fault(status=503))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "forge"})

    assert task["status"] == "succeeded", task
    assert [mode for mode, _ in server.requests] == ["txt2img", "txt2img"]


async def test_generation_timeout(hub: Hub, webui: tuple[A1111Server, str]) -> None:
    server, url = webui
    await add(hub, url, generation_timeout=0.5)
    server.faults.add(Fault(hang=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "forge"})

    assert task["error"]["code"] == "provider_unavailable", task


async def test_malformed_response(hub: Hub, webui: tuple[A1111Server, str]) -> None:
    server, url = webui
    await add(hub, url)
    server.faults.add(Fault(malformed=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "forge"})

    assert task["error"]["code"] == "provider_error", task
    assert "no images" in task["error"]["message"]


async def test_unknown_sampler_is_the_webui_message(
    hub: Hub, webui: tuple[A1111Server, str]
) -> None:
    _, url = webui
    await add(hub, url, sampler="Nope")

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "forge"})

    assert task["error"]["code"] == "provider_error", task
    assert "Sampler not found" in task["error"]["message"]


async def test_img2img_sends_the_init_image(
    protocol_server: StartServer, settings: Settings
) -> None:
    server = A1111Server()
    url = await protocol_server(server.app())
    config = ProviderConfig(uuid.uuid4(), "automatic1111", "forge", url)
    conn = Connection.build(config, settings)
    try:
        images = cast(A1111Images, conn.adapter(Capability.image))
        source = png_bytes(96, 64, seed=5)

        result = await images.transform(ImageRequest("oil painting", 96, 64), source, 0.4)
    finally:
        await conn.aclose()

    mode, body = server.requests[-1]
    assert mode == "img2img"
    assert base64.b64decode(body["init_images"][0]) == source
    assert body["denoising_strength"] == 0.4
    assert (result.width, result.height) == (96, 64)


async def test_connection_check(hub: Hub, webui: tuple[A1111Server, str]) -> None:
    _, url = webui
    await add(hub, url)
    providers = await hub.client.get("/api/admin/providers", headers=hub.admin["headers"])
    provider_id = providers.json()["items"][0]["id"]

    r = await hub.client.post(
        f"/api/admin/providers/{provider_id}/test", headers=hub.admin["headers"]
    )

    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and r.json()["message"] == "2 checkpoints"
