"""ComfyUI through the hub: uploaded API-format workflows with mapped inputs, progress from
the websocket, cancel through /queue and /interrupt, outputs from /history and /view."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image

from creative_hub.events.base import task_channel
from creative_hub.providers.local.media_probe import probe
from tests.providers.remote.conftest import Hub, StartServer
from tests.providers.remote.servers import Fault, png_bytes
from tests.providers.remote.servers.comfyui import ComfyUIServer, running
from tests.providers.remote.servers.comfyui_workflows import TXT2IMG, TXT2IMG_INPUTS, settings
from tests.support.api import upload, wait_for_status

IMAGE = {"prompt": "a lighthouse at dusk", "width": 256, "height": 192, "seed": 7}


@pytest.fixture
async def comfy(protocol_server: StartServer) -> AsyncIterator[tuple[ComfyUIServer, str]]:
    server = ComfyUIServer()
    async with running(server):
        yield server, await protocol_server(server.app())


async def add(hub: Hub, url: str, **extra: Any) -> dict[str, Any]:
    return await hub.add_provider(
        kind="comfyui",
        name="comfy",
        base_url=url,
        settings=settings(**{"poll_interval": 0.05, "max_retries": 1, "timeout": 5, **extra}),
        default_for=["image_to_video"],
    )


async def fetch(hub: Hub, url: str) -> bytes:
    assert url.startswith("/api/"), url  # a hub URL, never the provider's
    r = await hub.client.get(url, headers=hub.user["headers"])
    assert r.status_code == 200, r.text
    return r.content


async def start(hub: Hub, path: str, body: dict[str, Any]) -> str:
    r = await hub.client.post(path, json=body, headers=hub.user["headers"])
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


@contextlib.asynccontextmanager
async def held_at_first_step(
    hub: Hub, server: ComfyUIServer, body: dict[str, Any]
) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """Start a task whose prompt waits in ComfyUI's queue until the test listens to the
    task's events; yields (task id, progress events up to the sampler's first step),
    with the sampler held there."""
    server.queue_open.clear()
    server.gate.clear()
    task_id = await start(hub, "/api/images/generations", body)
    bus = hub.app.state.runtime.bus
    async with bus.subscribe(task_channel(task_id)) as events:
        while not server.pending:
            await asyncio.sleep(0.01)
        server.queue_open.set()
        seen = []
        async for event in events:
            if event.get("type") == "progress":
                seen.append(event)
                if event["progress_message"] == "Step 1 of 20":
                    break
        yield task_id, seen


async def test_text_to_image_with_the_mapped_workflow(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    await add(hub, url)
    models = await hub.client.get("/api/images/models", headers=hub.user["headers"])
    ids = {m["id"] for m in models.json()["items"]}
    assert "comfy/sd15" in ids and "comfy/svd" not in ids  # capability from the output node

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["status"] == "succeeded", task
    body = server.prompts[-1]
    assert body["client_id"]  # the websocket's clientId routes the events to us
    graph = body["prompt"]
    assert graph["6"]["inputs"]["text"] == "a lighthouse at dusk"
    assert graph["3"]["inputs"]["seed"] == 7
    assert (graph["5"]["inputs"]["width"], graph["5"]["inputs"]["height"]) == (256, 192)
    assert graph["7"]["inputs"]["text"] == TXT2IMG["7"]["inputs"]["text"]  # unmapped: kept
    image = task["output_data"]["images"][0]
    with Image.open(io.BytesIO(await fetch(hub, image["url"]))) as png:
        assert (png.format, png.size) == ("PNG", (256, 192))
    assert all(u.startswith("/api/") for u in task["output_urls"])


async def test_progress_from_the_websocket(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    server, url = comfy
    await add(hub, url)

    async with held_at_first_step(hub, server, {**IMAGE, "model": "comfy/sd15"}) as held:
        task_id, events = held
        server.gate.set()
    done = await wait_for_status(hub.client, task_id, hub.user["headers"], {"succeeded"})

    messages = [e["progress_message"] for e in events]
    assert "Queued on ComfyUI" in messages
    assert messages[-2:] == ["Running KSampler", "Step 1 of 20"]
    assert 0 < events[-1]["progress"] < 100
    assert done["progress"] == 100


async def test_cancel_mid_run_deletes_and_interrupts(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    await add(hub, url)
    async with held_at_first_step(hub, server, {**IMAGE, "model": "comfy/sd15"}) as held:
        task_id, _ = held
        assert server.running is not None
        prompt_id = server.running.prompt_id

    r = await hub.client.post(f"/api/tasks/{task_id}/cancel", headers=hub.user["headers"])
    assert r.status_code == 200, r.text
    task = await wait_for_status(hub.client, task_id, hub.user["headers"], {"cancelled"})

    assert task["status"] == "cancelled"
    assert server.queue_deletes == [prompt_id]
    assert server.interrupts == [{"prompt_id": prompt_id}]
    while server.running is not None:  # the interrupt stops the sampler, not the gate
        await asyncio.sleep(0.01)
    assert server.history[prompt_id]["status"]["status_str"] == "error"


async def test_image_to_video_uploads_the_image(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    server, url = comfy
    await add(hub, url)
    source = png_bytes(64, 48, seed=3)
    asset_id = await upload(hub.client, hub.user, source, "still.png")

    task = await hub.run(
        "/api/videos/image-to-video",
        {"asset_id": asset_id, "duration": 2, "fps": 6, "width": 320, "height": 240},
    )

    assert task["status"] == "succeeded", task
    assert task["provider"] == "comfy"  # the default image-to-video provider
    uploaded = [(name, body) for (kind, _, name), body in server.files.items() if kind == "input"]
    assert [body for _, body in uploaded] == [source]
    graph = server.prompts[-1]["prompt"]
    assert graph["2"]["inputs"]["image"] == uploaded[0][0]
    assert graph["3"]["inputs"]["video_frames"] == 12 and graph["6"]["inputs"]["fps"] == 6
    clip = await fetch(hub, task["output_data"]["video"]["url"])
    assert clip[4:8] == b"ftyp"


async def test_music_workflow(hub: Hub, comfy: tuple[ComfyUIServer, str], tmp_path: Any) -> None:
    server, url = comfy
    await add(hub, url)

    task = await hub.run(
        "/api/audio/music", {"prompt": "calm piano", "duration": 2, "model": "comfy/stable-audio"}
    )

    assert task["status"] == "succeeded", task
    graph = server.prompts[-1]["prompt"]
    assert graph["2"]["inputs"]["text"] == "calm piano" and graph["4"]["inputs"]["seconds"] == 2
    wav = tmp_path / "music.wav"
    wav.write_bytes(await fetch(hub, task["output_data"]["audio"]["url"]))  # FLAC -> WAV
    assert probe(wav).duration == pytest.approx(2.0, abs=0.05)


async def test_without_websocket_the_history_is_polled(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    server.websocket_enabled = False
    await add(hub, url)

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["status"] == "succeeded", task
    assert server.prompts[-1]["prompt"]["6"]["inputs"]["text"] == IMAGE["prompt"]


async def test_websocket_refused_once_is_retried(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    await add(hub, url)
    server.websocket_refusals = [503]  # busy once, like an HTTP call would be retried

    async with held_at_first_step(hub, server, {**IMAGE, "model": "comfy/sd15"}) as held:
        task_id, events = held
        server.gate.set()
    await wait_for_status(hub.client, task_id, hub.user["headers"], {"succeeded"})

    assert server.websocket_attempts == 2
    assert events[-1]["progress_message"] == "Step 1 of 20"  # only the websocket says so


async def test_websocket_failure_counts_for_the_circuit(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    provider = await add(hub, url)
    server.websocket_refusals = [503, 503]  # both attempts (max_retries 1)
    server.faults.add(Fault(status=503), Fault(status=503))  # and POST /prompt too

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["error"]["code"] == "provider_unavailable", task
    assert server.websocket_attempts == 2 and len(server.prompts) == 2
    r = await hub.client.get(f"/api/admin/providers/{provider['id']}", headers=hub.admin["headers"])
    assert r.json()["health"]["consecutive_failures"] == 2  # the socket's failure and the POST's


async def test_node_failure_is_the_task_error(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    server, url = comfy
    server.failing_class = "VAEDecode"
    await add(hub, url)

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["error"]["code"] == "provider_error", task
    assert "VAEDecode failed: CUDA out of memory." in task["error"]["message"]


async def test_validation_errors_name_the_node(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    _, url = comfy
    broken = copy.deepcopy(TXT2IMG)
    broken["3"]["inputs"]["sampler_name"] = "bogus"
    await hub.add_provider(
        kind="comfyui",
        name="comfy",
        base_url=url,
        settings={"workflows": [{"name": "x", "workflow": broken, "inputs": TXT2IMG_INPUTS}]},
    )

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/x"})

    assert task["error"]["code"] == "provider_error", task
    assert "node 3 (KSampler): Value not in list" in task["error"]["message"]


async def test_busy_then_success(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    server, url = comfy
    await add(hub, url)
    server.faults.add(Fault(status=503))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["status"] == "succeeded", task
    assert len(server.prompts) == 2  # refused once (not queued), then accepted


async def test_no_answer_in_time(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    server, url = comfy
    await add(hub, url, timeout=0.5)
    server.faults.add(Fault(hang=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["error"]["code"] == "provider_unavailable", task


async def test_malformed_prompt_answer(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    server, url = comfy
    await add(hub, url)
    server.faults.add(Fault(malformed=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["error"]["code"] == "provider_error", task
    assert "prompt_id" in task["error"]["message"]


async def test_connection_check(hub: Hub, comfy: tuple[ComfyUIServer, str]) -> None:
    _, url = comfy
    provider = await add(hub, url)

    r = await hub.client.post(
        f"/api/admin/providers/{provider['id']}/test", headers=hub.admin["headers"]
    )

    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and r.json()["message"] == "ComfyUI 0.3.40"


async def test_audio_workflow_serves_sound_effects_too(
    hub: Hub, comfy: tuple[ComfyUIServer, str], tmp_path: Any
) -> None:
    server, url = comfy
    await add(hub, url)
    models = await hub.client.get("/api/audio/models", headers=hub.user["headers"])
    listed = {(m["capability"], m["id"]) for m in models.json()["items"]}
    assert {("music", "comfy/stable-audio"), ("sound_effects", "comfy/stable-audio")} <= listed

    task = await hub.run(
        "/api/audio/sound-effects",
        {"prompt": "door creak", "duration": 1.5, "model": "comfy/stable-audio"},
    )

    assert task["status"] == "succeeded", task
    graph = server.prompts[-1]["prompt"]
    assert graph["2"]["inputs"]["text"] == "door creak"
    assert graph["4"]["inputs"]["seconds"] == 1.5
    wav = tmp_path / "effect.wav"
    wav.write_bytes(await fetch(hub, task["output_data"]["audio"]["url"]))
    assert probe(wav).duration == pytest.approx(1.5, abs=0.05)


async def test_an_oversized_output_file_is_refused(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    await add(hub, url, max_download_mb=1)
    server.view_body = b"\x89PNG" + b"\x00" * (2 * 2**20)  # a runaway 2 MiB "image"

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["error"]["code"] == "provider_error", task
    message = task["error"]["message"]
    assert "larger than 1 MiB" in message and "max_download_mb" in message


async def test_a_slow_output_file_passes_its_download_timeout(
    hub: Hub, comfy: tuple[ComfyUIServer, str]
) -> None:
    server, url = comfy
    await add(hub, url, download_timeout=0.3)  # the plain `timeout` is 5 s
    server.view_delay = 2.0

    task = await hub.run("/api/images/generations", {**IMAGE, "model": "comfy/sd15"})

    assert task["error"]["code"] == "provider_unavailable", task
    assert "no answer in time" in task["error"]["message"]
