"""A provider key never shows up in logs, API responses, task data or the database,
even when the provider echoes it back in an error message."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import structlog
from sqlalchemy import text
from structlog._config import BoundLoggerLazyProxy

from creative_hub.providers.base import ProviderError
from creative_hub.providers.remote.redact import key_hint, redact
from tests.providers.remote.conftest import Hub, StartServer, chat
from tests.providers.remote.fake_openai import API_KEY, FakeOpenAI


def _uncache_structlog_loggers() -> None:
    """The app caches each module's logger on first use (cache_logger_on_first_use), so a
    logger used by an earlier test would bypass capture_logs: drop those caches."""
    for name, module in list(sys.modules.items()):
        if name.startswith("creative_hub"):
            for value in list(vars(module).values()):
                if isinstance(value, BoundLoggerLazyProxy):
                    vars(value).pop("bind", None)


@pytest.fixture
def uncached_logs() -> Iterator[None]:
    """Every structlog call of the test reaches capture_logs, down to debug level."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    _uncache_structlog_loggers()
    yield
    structlog.configure(**saved)
    _uncache_structlog_loggers()  # later tests log through their own configuration


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.gate.set()
    server.release.set()


def test_redact_and_hint() -> None:
    assert redact(f"bad key {API_KEY}!", [API_KEY, None]) == "bad key [redacted]!"
    assert redact("short abc", ["abc"]) == "short abc"  # too short to be a key
    assert key_hint(API_KEY) == API_KEY[-4:]
    assert key_hint("tiny-key") is None and key_hint(None) is None


async def test_the_key_never_leaks(
    hub: Hub,
    fake: FakeOpenAI,
    protocol_server: StartServer,
    caplog: pytest.LogCaptureFixture,
    uncached_logs: None,
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx/httpcore/uvicorn at their chattiest
    base = await protocol_server(fake.app())
    seen: list[Any] = []
    with structlog.testing.capture_logs() as logs:
        created = await hub.add_provider(
            kind="openai_compatible", name="oa", base_url=f"{base}/v1", api_key=API_KEY
        )
        seen.append(created)
        # A provider that echoes the key in its error, a retry, and a failing model list.
        echo = {"error": {"message": f"Key {API_KEY} is not allowed here", "type": "server_error",
                          "param": None, "code": None}}  # fmt: skip
        fake.failures += [(500, echo, {})] * 3  # every attempt (two retries)
        task = await hub.run(
            "/api/images/generations",
            {"prompt": "a fox", "width": 1024, "height": 1024, "model": "oa/gpt-image-1"},
        )
        assert task["error"]["code"] == "provider_unavailable"
        assert "[redacted]" in task["error"]["message"]
        seen.append(task)
        fake.failures += [(400, echo, {})]
        seen.append(await chat(hub, "oa/gpt-test"))
        fake.failures += [(500, echo, {})] * 3
        with pytest.raises(ProviderError) as caught:
            await hub.app.state.runtime.remote.connections["oa"].refresh_models()
        seen.append(caught.value.message)
        fake.failures += [(400, echo, {})]
        seen.append(
            (
                await hub.client.post(
                    f"/api/admin/providers/{created['id']}/test", headers=hub.admin["headers"]
                )
            ).json()
        )
        for path in ("/api/admin/providers", f"/api/admin/providers/{created['id']}",
                     "/api/tasks", "/api/dashboard"):  # fmt: skip
            headers = hub.admin["headers"] if "admin" in path else hub.user["headers"]
            seen.append((await hub.client.get(path, headers=headers)).json())
        convos = await hub.client.get("/api/chat/conversations", headers=hub.user["headers"])
        for convo in convos.json()["items"]:
            r = await hub.client.get(f"/api/chat/conversations/{convo['id']}",
                                     headers=hub.user["headers"])  # fmt: skip
            seen.append(r.json())
    async with hub.app.state.runtime.sessionmaker() as session:
        for table in ("tasks", "messages", "providers", "usage_records"):
            rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()
            seen.append([tuple(row) for row in rows])

    events = {entry["event"] for entry in logs}
    assert {"provider_retry", "provider_models_failed"} <= events, events
    assert any(API_KEY not in str(x) and "redacted" in str(x) for x in seen)
    places = (("structlog", str(logs)), ("logging", caplog.text), ("API and DB", str(seen)))
    for where, content in places:
        assert API_KEY not in content, where
        assert API_KEY[3:-4] not in content, where  # nor most of it
