"""Keeps the ProviderRegistry in step with the providers table, in every process.

Enabled providers are registered under their name for each capability their kind
serves, so '<name>/<model id>' works wherever a model is taken. A change made through
the admin API is applied at once in that process (after its commit); every process also
polls a cheap version probe (row count + latest updated_at) and reloads when it moves.
Unchanged providers keep their Connection: its pool, circuit state and model cache.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog

from creative_hub.events.base import EventBus
from creative_hub.providers.base import Capability, Provider, ProviderError
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.providers.remote.circuit import Health
from creative_hub.providers.remote.config import Connection, ProviderConfig, kind_available
from creative_hub.settings import Settings

log = structlog.get_logger(__name__)

Loader = Callable[[], Awaitable[list[ProviderConfig]]]
VersionProbe = Callable[[], Awaitable[Any]]


def _factory(connection: Connection, capability: Capability) -> Callable[[Settings], Provider]:
    def build(_settings: Settings) -> Provider:
        return connection.adapter(capability)

    return build


class RemoteProviders:
    def __init__(
        self,
        registry: ProviderRegistry,
        settings: Settings,
        *,
        load: Loader,
        probe: VersionProbe,
        bus: EventBus | None = None,
    ) -> None:
        self.registry = registry
        self.bus = bus
        self.settings = settings
        self._load = load
        self._probe = probe
        self._version: Any = object()  # equal to no probe result: the first sync loads
        self.connections: dict[str, Connection] = {}
        self._lock = asyncio.Lock()
        self._loop: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        registry.set_health_source(self.health_state)

    # -- life ---------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.sync(wait_for_models=False)
        except Exception:  # a broken table must not stop the app from serving local engines
            log.exception("provider_sync_failed")
        self._loop = asyncio.create_task(self._poll(), name="provider-sync")

    async def stop(self) -> None:
        tasks = [t for t in (self._loop, *self._background) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for connection in self.connections.values():
            await connection.aclose()
        self.connections.clear()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.settings.provider_sync_seconds)
            try:
                await self.sync(wait_for_models=False)
                await self.refresh_stale_models()
            except Exception:
                log.exception("provider_sync_failed")

    # -- syncing ------------------------------------------------------------------------

    async def sync(self, *, force: bool = False, wait_for_models: bool = True) -> None:
        async with self._lock:
            version = await self._probe()
            if version == self._version and not force:
                return
            configs = await self._load()
            fresh = await self._apply(configs)
            self._version = version
        if fresh:
            refresh = asyncio.gather(*(self._refresh(c) for c in fresh))
            if wait_for_models:
                await refresh  # an admin who just added a provider sees its models
            else:
                self._background.add(refresh)  # type: ignore[arg-type]
                refresh.add_done_callback(self._background.discard)

    async def _apply(self, configs: Sequence[ProviderConfig]) -> list[Connection]:
        wanted = {c.name: c for c in configs if c.enabled and kind_available(c.kind)}
        for name, connection in list(self.connections.items()):
            config = wanted.get(name)
            if config is None or (config.id, config.version) != (
                connection.config.id,
                connection.config.version,
            ):
                for capability in connection.capabilities:
                    self.registry.unregister(capability, name)
                del self.connections[name]
                await connection.aclose()
        fresh = []
        for name, config in wanted.items():
            if name in self.connections:
                continue
            try:
                connection = Connection.build(config, self.settings)
                connection.bus = self.bus
            except Exception:
                log.exception("provider_build_failed", provider=name, kind=config.kind)
                continue
            self.connections[name] = connection
            for capability in connection.capabilities:
                self.registry.register(capability, name, _factory(connection, capability))
            fresh.append(connection)
        for capability in Capability:
            chosen = next(
                (
                    c.config.name
                    for c in self.connections.values()
                    if capability in c.config.default_for and capability in c.capabilities
                ),
                None,
            )
            if chosen is not None:
                self.registry.set_default(capability, chosen)
            else:
                self.registry.reset_default(capability)
        return fresh

    async def _refresh(self, connection: Connection) -> None:
        with contextlib.suppress(ProviderError):  # logged by refresh_models; list stays empty
            await connection.refresh_models()

    async def refresh_stale_models(self) -> None:
        stale = [c for c in self.connections.values() if c.models_stale()]
        await asyncio.gather(*(self._refresh(c) for c in stale))

    # -- reading ------------------------------------------------------------------------

    def health(self) -> dict[str, Health]:
        return {name: c.health() for name, c in self.connections.items()}

    def health_state(self, name: str) -> str | None:
        connection = self.connections.get(name)
        return connection.health().state if connection else None
