"""Replicate through the hub: predictions for any model (official by name, or a version),
polling or `Prefer: wait`, cancel, outputs fetched only from allowed hosts and stored in the
hub, and the API's failures as task errors."""

from __future__ import annotations

import asyncio
import base64
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from creative_hub.providers.local.media_probe import probe
from tests.providers.remote.conftest import Hub, StartServer
from tests.providers.remote.servers import Fault, png_bytes
from tests.providers.remote.servers.replicate import MUSICGEN_VERSION, ReplicateServer
from tests.support.api import upload, wait_for_status

FLUX = "rep/black-forest-labs/flux-schnell"
IMAGE = {"prompt": "a lighthouse at dusk", "width": 1280, "height": 720, "seed": 11}


@dataclass
class Replicate:
    server: ReplicateServer
    api: str  # api.replicate.com
    delivery: str  # replicate.delivery: where output files live (another host:port)


@pytest.fixture
async def replicate(protocol_server: StartServer) -> AsyncIterator[Replicate]:
    server = ReplicateServer()
    server.base_url = await protocol_server(server.app())
    server.delivery_base = await protocol_server(server.app())
    yield Replicate(server, server.base_url, server.delivery_base)
    await server.close()


async def add(hub: Hub, rep: Replicate, key: str | None = None, **extra: Any) -> None:
    await hub.add_provider(
        kind="replicate",
        name="rep",
        base_url=rep.api,
        api_key=key or rep.server.api_key,
        settings={
            "poll_interval": 0.02,
            "max_retries": 1,
            "timeout": 5,
            "output_hosts": [rep.delivery.removeprefix("http://")],
            "music_model": f"meta/musicgen:{MUSICGEN_VERSION}",
            "video_model": "minimax/video-01",
            **extra,
        },
    )


async def fetch(hub: Hub, url: str) -> bytes:
    assert url.startswith("/api/"), url  # a hub URL, never the provider's
    r = await hub.client.get(url, headers=hub.user["headers"])
    assert r.status_code == 200, r.text
    return r.content


async def test_official_model_image(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["status"] == "succeeded", task
    assert server.created[-1] == {
        "input": {"prompt": "a lighthouse at dusk", "seed": 11, "aspect_ratio": "16:9"}
    }
    assert server.prefer == [None]  # polled, not held
    assert len(server.file_hits) == 1  # the webp, from the delivery host
    image = task["output_data"]["images"][0]
    with Image.open(io.BytesIO(await fetch(hub, image["url"]))) as png:
        assert (png.format, png.size) == ("PNG", (1024, 1024))  # webp converted
    assert all(u.startswith("/api/") for u in task["output_urls"])
    assert replicate.delivery not in str(task) and server.api_key not in str(task)


async def test_token_goes_only_to_the_api_host(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["status"] == "succeeded", task
    assert server.api_auth == [f"Bearer {server.api_key}"]  # the API host gets the token
    delivery_host = replicate.delivery.removeprefix("http://")
    assert server.file_auth == [(delivery_host, None)]  # the file host gets no credentials


async def test_oversized_output_is_refused(hub: Hub, replicate: Replicate) -> None:
    await add(hub, replicate, max_download_mb=0.0001)  # ~100 bytes: smaller than any image

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["error"]["code"] == "provider_error", task
    assert "larger than" in task["error"]["message"]


async def test_output_on_another_host_is_not_fetched(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)
    # Same server, another host name: not the API host, not in output_hosts.
    server.delivery_base = replicate.delivery.replace("127.0.0.1", "localhost")

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["error"]["code"] == "provider_error", task
    assert "not allowed" in task["error"]["message"]
    assert server.file_hits == []


async def test_music_by_version_with_prefer_wait(
    hub: Hub, replicate: Replicate, tmp_path: Any
) -> None:
    server = replicate.server
    await add(hub, replicate, wait=5)

    task = await hub.run(
        "/api/audio/music", {"prompt": "calm piano", "duration": 3, "model": "rep"}
    )

    assert task["status"] == "succeeded", task
    assert server.created[-1] == {
        "version": MUSICGEN_VERSION,
        "input": {"prompt": "calm piano", "duration": 3},
    }
    assert server.prefer == ["wait=5"] and server.polls == 0  # done within the wait
    out = task["output_data"]
    assert out["predict_time"] == pytest.approx(1.235)  # the provider's own figure
    wav = tmp_path / "music.wav"
    wav.write_bytes(await fetch(hub, out["audio"]["url"]))
    assert probe(wav).duration == pytest.approx(3.0, abs=0.01)


async def test_image_to_video(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)
    source = png_bytes(64, 48, seed=2)
    asset_id = await upload(hub.client, hub.user, source, "still.png")

    task = await hub.run(
        "/api/videos/image-to-video",
        {
            "asset_id": asset_id,
            "duration": 2,
            "width": 320,
            "height": 240,
            "motion": "pan_left",
            "model": "rep",  # not the default image-to-video provider: named
        },
    )

    assert task["status"] == "succeeded", task
    assert task["provider"] == "rep"
    sent = server.created[-1]["input"]
    assert sent["prompt"] == "pan left, smooth camera motion"
    prefix = "data:image/png;base64,"
    assert sent["first_frame_image"] == prefix + base64.b64encode(source).decode()
    clip = await fetch(hub, task["output_data"]["video"]["url"])
    assert clip[4:8] == b"ftyp"


async def test_progress_and_cancel_mid_run(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)
    server.gate.clear()  # the prediction holds at 25%
    r = await hub.client.post(
        "/api/images/generations", json={**IMAGE, "model": FLUX}, headers=hub.user["headers"]
    )
    task_id = r.json()["id"]
    for _ in range(400):
        task = (await hub.client.get(f"/api/tasks/{task_id}", headers=hub.user["headers"])).json()
        if task["progress_message"] == "Replicate: processing 25%":
            break
        await asyncio.sleep(0.05)
    assert task["progress_message"] == "Replicate: processing 25%", task
    assert 0 < task["progress"] < 100

    r = await hub.client.post(f"/api/tasks/{task_id}/cancel", headers=hub.user["headers"])
    assert r.status_code == 200, r.text
    task = await wait_for_status(hub.client, task_id, hub.user["headers"], {"cancelled"})

    (prediction_id,) = server.predictions
    assert server.cancels == [prediction_id]
    assert server.predictions[prediction_id]["status"] == "canceled"


async def test_nsfw_failure_is_content_rejected(hub: Hub, replicate: Replicate) -> None:
    await add(hub, replicate)

    task = await hub.run(
        "/api/images/generations", {**IMAGE, "prompt": "nsfw thing", "model": FLUX}
    )

    assert task["error"]["code"] == "content_rejected", task
    assert "NSFW content detected" in task["error"]["message"]


async def test_input_validation_error(hub: Hub, replicate: Replicate) -> None:
    await add(hub, replicate, image_inputs={"prompt": "{prompt}", "steps": "{seed}"})

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["error"]["code"] == "provider_error", task
    assert "Additional property steps is not allowed" in task["error"]["message"]


async def test_wrong_token(hub: Hub, replicate: Replicate) -> None:
    await add(hub, replicate, key="r8_wrong_token_0000")

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["error"]["code"] == "invalid_api_key", task
    assert "r8_wrong_token_0000" not in str(task)


async def test_throttled_then_success(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)
    server.faults.add(Fault(status=429, retry_after=0))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["status"] == "succeeded", task
    assert len(server.created) == 2 and len(server.predictions) == 1


async def test_timeout(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate, timeout=0.5)
    server.faults.add(Fault(hang=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["error"]["code"] == "provider_unavailable", task


async def test_malformed_prediction(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    await add(hub, replicate)
    server.faults.add(Fault(malformed=True))

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["error"]["code"] == "provider_error", task
    assert "not a prediction" in task["error"]["message"]


async def test_connection_check_reports_the_error(hub: Hub, replicate: Replicate) -> None:
    await add(hub, replicate, key="r8_wrong_token_0000")
    providers = await hub.client.get("/api/admin/providers", headers=hub.admin["headers"])
    provider_id = providers.json()["items"][0]["id"]

    r = await hub.client.post(
        f"/api/admin/providers/{provider_id}/test", headers=hub.admin["headers"]
    )

    assert r.status_code == 200, r.text
    result = r.json()
    assert result["ok"] is False and result["error"]["code"] == "invalid_api_key", result
    assert "did not pass a valid authentication token" in result["error"]["message"]


async def test_data_url_outputs_need_no_fetch(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    server.data_urls = True
    await add(hub, replicate, wait=5)

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX})

    assert task["status"] == "succeeded", task
    assert server.file_hits == []
    image = task["output_data"]["images"][0]
    with Image.open(io.BytesIO(await fetch(hub, image["url"]))) as png:
        assert (png.format, png.size) == ("PNG", (1024, 1024))


async def test_webhook_wakes_the_job_at_once(
    hub: Hub, replicate: Replicate, live_server: str
) -> None:
    server = replicate.server
    # Polling only every minute: finishing in seconds means the webhook woke the job.
    await add(hub, replicate, public_url=live_server, webhook_poll_interval=60)

    task = await hub.run("/api/images/generations", {**IMAGE, "model": FLUX}, timeout=20)

    assert task["status"] == "succeeded", task
    created = server.created[-1]
    assert created["webhook"].startswith(f"{live_server}/api/providers/replicate/webhook/")
    assert created["webhook_events_filter"] == ["completed"]
    assert server.webhook_deliveries == [204]  # the signature verified
    assert server.polls == 1  # one GET, right after the webhook


async def test_webhook_signature_is_checked(hub: Hub, replicate: Replicate) -> None:
    server = replicate.server
    url = "/api/providers/replicate/webhook/" + "A" * 32
    body = b'{"id": "p1", "status": "succeeded"}'

    def headers(stamp: int, payload: bytes = body) -> dict[str, str]:
        return {
            "webhook-id": "msg_1",
            "webhook-timestamp": str(stamp),
            "webhook-signature": server.sign("msg_1", stamp, payload),
        }

    r = await hub.client.post(url, content=body, headers=headers(int(time.time())))
    assert r.status_code == 404  # no provider expects webhooks
    await add(hub, replicate, public_url="https://hub.example.com")

    now = int(time.time())
    r = await hub.client.post(url, content=body, headers=headers(now))
    assert r.status_code == 204, r.text
    r = await hub.client.post(url, content=body + b" ", headers=headers(now))  # tampered
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_signature"
    r = await hub.client.post(url, content=body, headers=headers(now - 600))  # replayed
    assert r.status_code == 401
    r = await hub.client.post(url, content=body, headers={})
    assert r.status_code == 401
    assert server.api_key not in r.text
