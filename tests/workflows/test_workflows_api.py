"""Workflows API: validation, owner checks, order rules, step edits, cancel, templates."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.support.api import assert_error, register

SMALL = {"width": 320, "height": 180, "fps": 8, "scenes": 3, "duration": 9, "music": False}


async def wait_workflow(
    client: httpx.AsyncClient, wid: str, headers: dict[str, str], timeout: float = 120
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        r = await client.get(f"/api/workflows/{wid}", headers=headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if body["status"] != "running":
            return body
        assert asyncio.get_running_loop().time() < deadline, body
        await asyncio.sleep(0.2)


async def test_templates_and_create(client: httpx.AsyncClient) -> None:
    me = await register(client)
    r = await client.get("/api/workflows/templates", headers=me["headers"])
    assert r.status_code == 200
    ids = {t["id"] for t in r.json()["items"]}
    assert {"explainer", "product_ad", "short_story", "music_video"} <= ids
    r = await client.post("/api/workflows", json={"template": "product_ad"}, headers=me["headers"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft" and body["options"]["music_mood"] == "upbeat"
    assert [s["state"] for s in body["steps"]] == ["pending"] * 6
    r = await client.post(
        "/api/workflows", json={"idea": "a 45-second video about bees"}, headers=me["headers"]
    )
    assert r.json()["options"]["duration"] == 45
    listed = (await client.get("/api/workflows", headers=me["headers"])).json()
    assert len(listed["items"]) == 2
    wid = listed["items"][0]["id"]
    r = await client.patch(
        f"/api/workflows/{wid}",
        json={"name": "Bees", "options": {"scenes": 5}},
        headers=me["headers"],
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Bees" and r.json()["options"]["scenes"] == 5
    bad = {"options": {"music_mood": "grumpy"}}
    r = await client.patch(f"/api/workflows/{wid}", json=bad, headers=me["headers"])
    assert_error(r, 422, "validation_error")
    page = (await client.get("/api/workflows?limit=1", headers=me["headers"])).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await client.get(
        f"/api/workflows?limit=1&cursor={page['next_cursor']}", headers=me["headers"]
    )
    assert rest.json()["items"][0]["id"] != page["items"][0]["id"]


async def test_invalid_requests_and_step_data_are_422(client: httpx.AsyncClient) -> None:
    me = await register(client)
    h = me["headers"]
    assert_error(await client.post("/api/workflows", json={}, headers=h), 422, "validation_error")
    assert_error(await client.post("/api/workflows", json={"template": "nope"}, headers=h), 422)
    assert_error(
        await client.post(
            "/api/workflows", json={"idea": "cats", "options": {"scenes": 99}}, headers=h
        ),
        422,
    )
    wid = (await client.post("/api/workflows", json={"idea": "cats"}, headers=h)).json()["id"]
    bad = {"title": "x", "scenes": [{"index": 3, "narration": "hi"}]}
    assert_error(await client.put(f"/api/workflows/{wid}/steps/script", json=bad, headers=h), 422)
    assert_error(
        await client.put(f"/api/workflows/{wid}/steps/storyboard", json={"x": 1}, headers=h), 422
    )


async def test_out_of_order_step_is_409_and_others_workflow_404(
    client: httpx.AsyncClient,
) -> None:
    me, other = await register(client), await register(client)
    wid = (
        await client.post("/api/workflows", json={"idea": "cats"}, headers=me["headers"])
    ).json()["id"]
    err = assert_error(
        await client.post(f"/api/workflows/{wid}/steps/images/run", headers=me["headers"]),
        409,
        "step_inputs_missing",
    )
    assert err["details"]["needs"] == "script"
    for method, path in [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/run"),
        ("POST", "/cancel"),
        ("POST", "/steps/script/run"),
        ("GET", "/events"),
    ]:
        r = await client.request(
            method,
            f"/api/workflows/{wid}{path}",
            headers=other["headers"],
            json={} if method == "PATCH" else None,
        )
        assert_error(r, 404, "workflow_not_found")


async def test_edit_script_then_steps_run_in_order_and_edits_mark_later_stale(
    client: httpx.AsyncClient,
) -> None:
    me = await register(client)
    h = me["headers"]
    wid = (
        await client.post(
            "/api/workflows", json={"idea": "a video about tea", "options": SMALL}, headers=h
        )
    ).json()["id"]
    script = {
        "title": "Tea",
        "scenes": [
            {"index": 0, "narration": "Tea leaves grow on green hills."},
            {"index": 1, "narration": "The leaves are picked and dried."},
            {"index": 2, "narration": "Hot water brings out the flavour."},
        ],
    }
    r = await client.put(f"/api/workflows/{wid}/steps/script", json=script, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["steps"][0]["state"] == "done"
    r = await client.post(f"/api/workflows/{wid}/steps/storyboard/run", headers=h)
    assert r.status_code == 202, r.text
    # A second start while it runs is refused.
    assert_error(await client.post(f"/api/workflows/{wid}/run", headers=h), 409)
    body = await wait_workflow(client, wid, h)
    assert body["status"] == "paused", body
    board = body["storyboard_data"]
    assert [s["index"] for s in board["scenes"]] == [0, 1, 2]
    assert abs(sum(s["duration"] for s in board["scenes"]) - 9) < 0.05
    # Editing the script makes the storyboard stale; the images step then refuses to run.
    await client.put(f"/api/workflows/{wid}/steps/script", json=script, headers=h)
    body = (await client.get(f"/api/workflows/{wid}", headers=h)).json()
    assert body["steps"][1]["state"] == "stale"
    assert_error(
        await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h),
        409,
        "step_inputs_stale",
    )


async def test_delete_removes_tasks_and_assets(client: httpx.AsyncClient) -> None:
    me = await register(client)
    h = me["headers"]
    wid = (
        await client.post(
            "/api/workflows", json={"idea": "a video about tea", "options": SMALL}, headers=h
        )
    ).json()["id"]
    script = {"title": "Tea", "scenes": [{"index": 0, "narration": "Tea is nice."}]}
    await client.put(f"/api/workflows/{wid}/steps/script", json=script, headers=h)
    await client.post(f"/api/workflows/{wid}/steps/storyboard/run", headers=h)
    await wait_workflow(client, wid, h)
    await client.post(f"/api/workflows/{wid}/steps/images/run", headers=h)
    body = await wait_workflow(client, wid, h)
    url = body["images_data"]["scenes"][0]["url"]
    assert (await client.get(url, headers=h)).status_code == 200
    assert (await client.delete(f"/api/workflows/{wid}", headers=h)).status_code == 204
    assert (await client.get(url, headers=h)).status_code == 404
    assert (await client.get(f"/api/workflows/{wid}", headers=h)).status_code == 404
    tasks = (await client.get(f"/api/tasks?workflow_id={wid}", headers=h)).json()
    assert tasks["items"] == []


async def test_a_failing_step_fails_the_workflow_with_its_error(
    client: httpx.AsyncClient,
) -> None:
    me = await register(client)
    h = me["headers"]
    wid = (
        await client.post(
            "/api/workflows", json={"idea": "a video about tea", "options": SMALL}, headers=h
        )
    ).json()["id"]
    missing = "00000000-0000-4000-8000-000000000001"
    one = [{"index": 0}]
    steps = {
        "script": {"title": "Tea", "scenes": [{**one[0], "narration": "Tea is nice."}]},
        "storyboard": {"scenes": [{**one[0], "visual_prompt": "tea", "duration": 3}]},
        "images": {"scenes": [{**one[0], "asset_id": missing, "url": "/x"}]},
        "video": {"scenes": [{**one[0], "asset_id": missing, "url": "/x", "duration": 3}]},
        "audio": {"narration": [{**one[0], "asset_id": missing, "url": "/x", "duration": 1}]},
    }
    for step, data in steps.items():
        r = await client.put(f"/api/workflows/{wid}/steps/{step}", json=data, headers=h)
        assert r.status_code == 200, r.text
    assert (await client.post(f"/api/workflows/{wid}/run", headers=h)).status_code == 202
    body = await wait_workflow(client, wid, h)
    assert body["status"] == "failed", body
    assert body["error"]["code"] == "asset_not_found"
    assert body["steps"][5]["state"] == "failed"
    assert body["steps"][5]["error"]["code"] == "asset_not_found"


async def test_openapi_documents_the_paths_and_every_step_schema(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = {p for p in spec["paths"] if p.startswith("/api/workflows")}
    assert paths == {
        "/api/workflows",
        "/api/workflows/templates",
        "/api/workflows/{workflow_id}",
        "/api/workflows/{workflow_id}/run",
        "/api/workflows/{workflow_id}/steps/{step}/run",
        "/api/workflows/{workflow_id}/steps/{step}",
        "/api/workflows/{workflow_id}/cancel",
        "/api/workflows/{workflow_id}/events",
    }
    schemas = spec["components"]["schemas"]
    for name in ("ScriptData", "StoryboardData", "ImagesData", "VideoData", "AudioData"):
        assert name in schemas and schemas[name]["description"], name
    put = spec["paths"]["/api/workflows/{workflow_id}/steps/{step}"]["put"]
    refs = put["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert all(r["$ref"].split("/")[-1] in schemas for r in refs)
