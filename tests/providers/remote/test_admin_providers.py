"""/api/admin/providers: CRUD, validation, write-only keys, connection checks, defaults,
registry and dashboard in step with the table (also across processes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from creative_hub.models.provider import ProviderRecord
from creative_hub.providers.base import Capability
from tests.providers.remote.conftest import Hub, StartServer, chat
from tests.providers.remote.fake_openai import API_KEY, REPLY, FakeOpenAI
from tests.support.api import BuildApp, assert_error, client_for, register

URL = "/api/admin/providers"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.gate.set()
    server.release.set()


def chat_ids(items: list[dict[str, Any]]) -> set[str]:
    return {m["id"] for m in items}


async def test_crud_with_a_write_only_key(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    admin = hub.admin["headers"]
    created = await hub.add_provider(
        kind="openai_compatible", name="oa", base_url=f"{base}/v1/", api_key=API_KEY
    )
    assert API_KEY not in str(created)
    assert created["has_api_key"] is True and created["api_key_hint"] == API_KEY[-4:]
    assert created["base_url"] == f"{base}/v1"  # trailing slash dropped
    assert created["health"]["state"] == "closed"
    assert set(created["capabilities"]) == {"text", "image", "speech", "transcription"}
    assert "api_key" not in created

    listed = (await hub.client.get(URL, headers=admin)).json()["items"]
    assert [p["name"] for p in listed] == ["oa"]
    models = await hub.client.get("/api/chat/models", headers=hub.user["headers"])
    assert "oa/gpt-test" in chat_ids(models.json()["items"])

    pid = created["id"]
    r = await hub.client.patch(f"{URL}/{pid}", json={"enabled": False}, headers=admin)
    assert r.status_code == 200 and r.json()["enabled"] is False and r.json()["health"] is None
    models = await hub.client.get("/api/chat/models", headers=hub.user["headers"])
    assert not any(m.startswith("oa/") for m in chat_ids(models.json()["items"]))

    r = await hub.client.patch(
        f"{URL}/{pid}", json={"enabled": True, "name": "mine", "api_key": None}, headers=admin
    )
    assert r.json()["name"] == "mine" and r.json()["has_api_key"] is False
    r = await hub.client.patch(f"{URL}/{pid}", json={"api_key": API_KEY}, headers=admin)
    assert r.json()["has_api_key"] is True
    events = await chat(hub, "mine/gpt-test")
    assert "".join(d["content"] for k, d in events if k == "delta") == "".join(REPLY)

    assert (await hub.client.delete(f"{URL}/{pid}", headers=admin)).status_code == 204
    assert_error(await hub.client.get(f"{URL}/{pid}", headers=admin), 404, "provider_not_found")
    r = await hub.client.post("/api/chat/conversations", json={"model": "mine/gpt-test"},
                              headers=hub.user["headers"])  # fmt: skip
    assert_error(r, 400, "unknown_provider")


async def test_the_key_is_encrypted_at_rest(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    await hub.add_provider(kind="openai_compatible", name="oa", base_url=base, api_key=API_KEY)
    async with hub.app.state.runtime.sessionmaker() as session:
        row = (await session.scalars(select(ProviderRecord))).one()
    assert row.api_key_encrypted and API_KEY not in row.api_key_encrypted
    assert API_KEY[:-4] not in str(vars(row))


async def test_only_superusers_see_the_admin_api(hub: Hub) -> None:
    user = hub.user["headers"]
    body = {"kind": "openai_compatible", "name": "x", "base_url": "http://127.0.0.1:1/v1"}
    assert_error(await hub.client.get(URL, headers=user), 404)
    assert_error(await hub.client.post(URL, json=body, headers=user), 404)
    created = await hub.add_provider(**body)
    for method in ("GET", "PATCH", "DELETE"):
        r = await hub.client.request(method, f"{URL}/{created['id']}", json={}, headers=user)
        assert_error(r, 404)
    assert_error(await hub.client.post(f"{URL}/{created['id']}/test", headers=user), 404)
    assert_error(await hub.client.get(URL), 401)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "nope", "name": "a"}, 400, "unknown_provider_kind"),
        ({"kind": "openai_compatible", "name": "local"}, 400, "provider_name_taken"),
        ({"kind": "openai_compatible", "name": "Bad Name"}, 422, None),
        ({"kind": "openai_compatible", "name": "a", "base_url": "ftp://x"}, 400,
         "invalid_base_url"),
        ({"kind": "openai_compatible", "name": "a", "base_url": "http://u:p@h/v1"}, 400,
         "invalid_base_url"),
        ({"kind": "anthropic", "name": "a"}, 400, "api_key_required"),
        ({"kind": "anthropic", "name": "a", "api_key": "k" * 20, "default_for": ["image"]}, 400,
         "unsupported_capability"),
    ],
)  # fmt: skip
async def test_invalid_providers_are_refused(
    hub: Hub, body: dict[str, Any], status: int, code: str | None
) -> None:
    r = await hub.client.post(URL, json=body, headers=hub.admin["headers"])
    assert r.status_code == status, r.text
    if code:
        assert_error(r, status, code)


async def test_names_are_unique(hub: Hub) -> None:
    body = {"kind": "openai_compatible", "name": "twin", "base_url": "http://127.0.0.1:1/v1"}
    await hub.add_provider(**body)
    r = await hub.client.post(URL, json=body, headers=hub.admin["headers"])
    assert_error(r, 409, "provider_name_taken")


async def test_check_connection_reports_latency_or_the_providers_error(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    good = await hub.add_provider(kind="openai_compatible", name="good", base_url=f"{base}/v1",
                                  api_key=API_KEY)  # fmt: skip
    r = await hub.client.post(f"{URL}/{good['id']}/test", headers=hub.admin["headers"])
    result = r.json()
    assert result["ok"] is True and result["error"] is None
    assert result["latency_ms"] >= 0 and "models" in result["message"]

    bad = await hub.add_provider(kind="openai_compatible", name="bad", base_url=f"{base}/v1",
                                 api_key="sk-not-the-right-key-1234")  # fmt: skip
    result = (await hub.client.post(f"{URL}/{bad['id']}/test", headers=hub.admin["headers"])).json()
    assert result["ok"] is False
    assert result["error"]["code"] == "invalid_api_key"
    assert "Incorrect API key provided" in result["error"]["message"]

    gone = await hub.add_provider(
        kind="openai_compatible",
        name="gone",
        base_url="http://127.0.0.1:9/v1",
        settings={"max_retries": 0},
    )
    result = (
        await hub.client.post(f"{URL}/{gone['id']}/test", headers=hub.admin["headers"])
    ).json()
    assert result["ok"] is False and result["error"]["code"] == "provider_unavailable"


async def test_a_provider_can_be_the_default_for_a_capability(
    hub: Hub, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    created = await hub.add_provider(kind="openai_compatible", name="oa", base_url=f"{base}/v1",
                                     api_key=API_KEY, default_for=["text"])  # fmt: skip
    items = (await hub.client.get("/api/chat/models", headers=hub.user["headers"])).json()["items"]
    assert [m["id"] for m in items if m["default"]] == ["oa/gpt-test"]
    events = await chat(hub, None)  # type: ignore[arg-type]  (no model: the default)
    assert next(d for k, d in events if k == "start")["model"] == "oa/gpt-test"

    # The provider's own default model: what a request without a model id gets.
    settings = {"default_models": {"text": "house-model"}}
    await hub.client.patch(f"{URL}/{created['id']}", headers=hub.admin["headers"],
                           json={"settings": settings})  # fmt: skip
    events = await chat(hub, "oa")
    assert next(d for k, d in events if k == "start")["model"] == "oa/house-model"
    assert fake.requests[-1]["body"]["model"] == "house-model"

    await hub.client.patch(f"{URL}/{created['id']}", json={"default_for": []},
                           headers=hub.admin["headers"])  # fmt: skip
    items = (await hub.client.get("/api/chat/models", headers=hub.user["headers"])).json()["items"]
    assert [m["provider"] for m in items if m["default"]] == ["local"]


async def test_circuit_opens_after_failures_and_shows_on_the_dashboard(
    build_app: BuildApp, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    async with build_app(provider_circuit_failures=2) as app, client_for(app) as client:
        admin, user = await register(client, "root"), await register(client)
        r = await client.post(URL, headers=admin["headers"], json={
            "kind": "openai_compatible", "name": "oa", "base_url": f"{base}/v1",
            "api_key": API_KEY, "settings": {"max_retries": 0}})  # fmt: skip
        fake.requests.clear()
        boom = {"error": {"message": "The server had an error", "type": "server_error",
                          "param": None, "code": None}}  # fmt: skip
        fake.failures += [(500, boom, {})] * 2
        hub = Hub(app=app, client=client, admin=admin, user=user)
        for _ in range(3):
            events = await chat(hub, "oa/gpt-test")
            assert next(d for k, d in events if k == "error")["code"] == "provider_unavailable"
        assert len(fake.requests) == 2  # the third call failed fast
        dash = (await client.get("/api/dashboard", headers=user["headers"])).json()
        assert {p["health"] for p in dash["providers"] if p["name"] == "oa"} == {"open"}
        got = (await client.get(f"{URL}/{r.json()['id']}", headers=admin["headers"])).json()
        assert got["health"]["state"] == "open" and got["health"]["consecutive_failures"] == 2
        # A successful check tells the hub the provider is back.
        await client.post(f"{URL}/{r.json()['id']}/test", headers=admin["headers"])
        events = await chat(hub, "oa/gpt-test")
        assert "".join(d["content"] for k, d in events if k == "delta") == "".join(REPLY)


async def test_another_process_picks_up_changes(
    build_app: BuildApp, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    async with build_app() as first, build_app() as second, client_for(first) as client:
        admin = await register(client, "root")
        r = await client.post(URL, headers=admin["headers"], json={
            "kind": "openai_compatible", "name": "oa", "base_url": f"{base}/v1",
            "api_key": API_KEY})  # fmt: skip
        assert r.status_code == 201, r.text
        other = second.state.runtime
        await other.remote.sync()  # what its poll loop does every provider_sync_seconds
        assert "oa" in [i.name for i in other.providers.describe()]
        await client.delete(f"{URL}/{r.json()['id']}", headers=admin["headers"])
        await other.remote.sync()
        assert "oa" not in [i.name for i in other.providers.describe()]


async def test_enabled_providers_are_registered_at_start_up(
    build_app: BuildApp, fake: FakeOpenAI, protocol_server: StartServer
) -> None:
    base = await protocol_server(fake.app())
    async with build_app() as app, client_for(app) as client:
        admin = await register(client, "root")
        for name, enabled in (("on", True), ("off", False)):
            r = await client.post(URL, headers=admin["headers"], json={
                "kind": "openai_compatible", "name": name, "base_url": f"{base}/v1",
                "api_key": API_KEY, "enabled": enabled})  # fmt: skip
            assert r.status_code == 201, r.text
    async with build_app() as app, client_for(app) as client:  # a restart, same database
        registry = app.state.runtime.providers
        assert "on" in registry.names(Capability.text)
        assert "off" not in registry.names(Capability.text)
        user = await register(client)
        # Models are fetched in the background at start-up, then listed.
        listed: set[str] = set()
        for _ in range(200):
            r = await client.get("/api/chat/models", headers=user["headers"])
            listed = chat_ids(r.json()["items"])
            if "on/gpt-test" in listed:
                break
            await asyncio.sleep(0.02)
        assert "on/gpt-test" in listed and not any(m.startswith("off/") for m in listed)
