"""Everything a process holds for its life: engine, bus, queue, store, executor.

Built once by the web app's lifespan (and later the worker command); tests build
their own with their own settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from creative_hub.admin import providers_service
from creative_hub.auth.user_cache import UserCache
from creative_hub.db.engine import create_engine, create_sessionmaker
from creative_hub.events.base import EventBus
from creative_hub.events.memory import MemoryEventBus
from creative_hub.providers.catalog import build_provider_registry
from creative_hub.providers.local import cpu as local_cpu
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.providers.remote.manager import RemoteProviders
from creative_hub.queue.base import JobQueue
from creative_hub.queue.inline import InlineQueue
from creative_hub.queue.runner_lock import RunnerLock, runner_lock_for
from creative_hub.settings import Settings
from creative_hub.storage.base import AssetStore
from creative_hub.storage.local import LocalAssetStore
from creative_hub.tasks.executor import TaskExecutor
from creative_hub.tasks.registry import HandlerRegistry, default_registry


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: EventBus
    store: AssetStore
    handlers: HandlerRegistry
    executor: TaskExecutor
    queue: JobQueue
    limiter_storage: Storage
    limiter: MovingWindowRateLimiter
    providers: ProviderRegistry
    remote: RemoteProviders  # admin-configured providers, kept in step with the DB
    user_cache: UserCache
    runner_lock: RunnerLock
    started: bool = field(default=False)

    async def start(self, *, recover: bool = True) -> None:
        await self.executor.start()
        alone = await self.runner_lock.acquire()
        if recover:
            # Alone: whatever is "running" now was orphaned. Otherwise another runner
            # may be running it: only stale heartbeats are orphans.
            await self.executor.recover(all_running=alone)
        await self.runner_lock.promote_done()
        await self.queue.start()
        await self.remote.start()
        self.started = True

    async def stop(self) -> None:
        if self.started:
            await self.queue.stop()
            await self.executor.stop()
            self.started = False
        await self.runner_lock.release()
        await self.remote.stop()
        await self.bus.close()
        await self.engine.dispose()


def build_runtime(settings: Settings, handlers: HandlerRegistry | None = None) -> Runtime:
    local_cpu.configure(settings.engine_nice)
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    bus: EventBus = MemoryEventBus()
    if settings.event_bus == "redis":
        from creative_hub.events.redis import RedisEventBus  # only when asked for

        bus = RedisEventBus(settings.redis_url)
    store = LocalAssetStore(settings.assets_dir)
    handlers = handlers or default_registry.copy()
    executor = TaskExecutor(
        sessionmaker=sessionmaker, bus=bus, handlers=handlers, settings=settings
    )
    queue = InlineQueue(
        execute=executor.execute,
        fetch_queued=executor.queued_ids,
        housekeeping=executor.housekeeping,
        concurrency=settings.queue_concurrency,
        poll_interval=settings.queue_poll_seconds,
    )
    providers = build_provider_registry(settings)
    remote = RemoteProviders(
        providers, settings, bus=bus, **providers_service.loaders(sessionmaker, settings)
    )
    limiter_storage = storage_from_string("async+" + settings.rate_limit_storage_url)
    assert isinstance(limiter_storage, Storage)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        bus=bus,
        store=store,
        handlers=handlers,
        executor=executor,
        queue=queue,
        limiter_storage=limiter_storage,
        limiter=MovingWindowRateLimiter(limiter_storage),
        providers=providers,
        remote=remote,
        user_cache=UserCache(settings.user_cache_seconds),
        runner_lock=runner_lock_for(settings.resolved_database_url, engine),
    )
    executor.runtime = runtime
    return runtime
