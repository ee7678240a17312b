"""Fixtures for the auth tests: an app built with custom settings (small throttle limits)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from creative_hub.app import create_app
from creative_hub.settings import Settings
from tests.support import databases

BuildApp = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def build_app(database_url: str, make_settings: Callable[..., Settings]) -> BuildApp:
    """`async with build_app(**settings_overrides) as app:` a started app on empty tables."""
    emptied = False

    @asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[FastAPI]:
        nonlocal emptied
        if not emptied:
            await databases.empty_tables(database_url)
            emptied = True
        application = create_app(make_settings(database_url, **overrides))
        async with application.router.lifespan_context(application):
            yield application

    return build


def client_for(app: FastAPI, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client for app whose requests come from the given IP address."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
