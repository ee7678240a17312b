""" "Check connection" always calls the provider, even when the admin configured `models`
(issue 7): a server that is down or refuses the key fails the check; a server with no
model list (404) is reachable with the configured models. Against the local fake servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.providers.remote import fake_anthropic, fake_openai
from tests.providers.remote.conftest import Hub, StartServer
from tests.support.processes import closed_port

URL = "/api/admin/providers"


@dataclass
class Kind:
    kind: str
    key: str
    path: str  # the base URL's path
    server: Any  # FakeOpenAI | FakeAnthropic


@pytest.fixture(params=["openai_compatible", "anthropic"])
async def kind(request: pytest.FixtureRequest) -> AsyncIterator[Kind]:
    if request.param == "openai_compatible":
        server: Any = fake_openai.FakeOpenAI()
        yield Kind("openai_compatible", fake_openai.API_KEY, "/v1", server)
    else:
        server = fake_anthropic.FakeAnthropic()
        yield Kind("anthropic", fake_anthropic.API_KEY, "", server)
    server.gate.set()
    server.release.set()


async def check(hub: Hub, kind: Kind, base: str, key: str | None = None) -> dict[str, Any]:
    created = await hub.add_provider(
        kind=kind.kind,
        name="configured",
        base_url=f"{base}{kind.path}",
        api_key=key or kind.key,
        settings={"max_retries": 0, "models": {"text": ["house-a", "house-b"]}},
    )
    r = await hub.client.post(f"{URL}/{created['id']}/test", headers=hub.admin["headers"])
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_configured_models_and_the_server_down_fails(hub: Hub, kind: Kind) -> None:
    result = await check(hub, kind, f"http://127.0.0.1:{closed_port()}")
    assert result["ok"] is False
    assert result["error"]["code"] == "provider_unavailable"


async def test_configured_models_and_a_wrong_key_is_invalid_api_key(
    hub: Hub, kind: Kind, protocol_server: StartServer
) -> None:
    base = await protocol_server(kind.server.app())
    result = await check(hub, kind, base, key="sk-wrong-key-0000000000")
    assert result["ok"] is False
    assert result["error"]["code"] == "invalid_api_key"
    assert [r["path"] for r in kind.server.requests] == ["/v1/models"]


async def test_configured_models_and_no_model_list_is_reachable(
    hub: Hub, kind: Kind, protocol_server: StartServer
) -> None:
    kind.server.lists_models = False  # GET /v1/models answers 404
    base = await protocol_server(kind.server.app())
    result = await check(hub, kind, base)
    assert result["ok"] is True and result["error"] is None
    assert "404" in result["message"] and "2 configured models" in result["message"]


async def test_configured_models_and_a_listing_server_is_called(
    hub: Hub, kind: Kind, protocol_server: StartServer
) -> None:
    base = await protocol_server(kind.server.app())
    result = await check(hub, kind, base)
    assert result["ok"] is True
    assert result["message"] == "reachable; 2 configured models"
    assert [r["path"] for r in kind.server.requests] == ["/v1/models"]
    assert kind.server.requests[0]["headers"].get("x-api-key", kind.key) == kind.key


async def test_a_404_without_configured_models_still_fails(
    hub: Hub, kind: Kind, protocol_server: StartServer
) -> None:
    kind.server.lists_models = False
    base = await protocol_server(kind.server.app())
    created = await hub.add_provider(
        kind=kind.kind, name="bare", base_url=f"{base}{kind.path}", api_key=kind.key,
        settings={"max_retries": 0},
    )  # fmt: skip
    r = await hub.client.post(f"{URL}/{created['id']}/test", headers=hub.admin["headers"])
    result = r.json()
    assert result["ok"] is False and result["error"]["code"] == "provider_error"
