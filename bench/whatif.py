"""The app with candidate performance fixes applied from outside, to measure them first.

    BENCH_WHATIF=asyncdeps,noping,orjson uvicorn bench.whatif:app

Not the benchmark and not a way to run the product: each fix below is a patch applied
at import time that stands in for a change to src/ (docs/performance.md names the
file and function for each). `python -m bench.run_all --whatif asyncdeps,...` loads
this app instead of `creative-hub serve` so the figures can be compared.

- asyncdeps  the plain `def` dependencies (settings, AuthService, TaskService, login
             throttle) become `async def`: FastAPI runs sync dependencies in a worker
             thread, a thread hop per dependency per request.
- noping     pool_pre_ping=False: no extra round trip on every pool checkout.
- orjson     orjson for the JSON columns (input_data, output_data, output_urls).
- usercache  the bearer token's user is kept for 5 s per process instead of a
             SELECT on every request.
- like       accepted, no longer a patch: search_text is stored case-folded and matched
             with LIKE (tasks/search.py), which is what this stood in for.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import orjson
from fastapi import FastAPI, Request

# At module level: FastAPI resolves the overrides' string annotations in these globals.
from creative_hub.auth import dependencies as deps
from creative_hub.auth.service import AuthService
from creative_hub.auth.throttle import LoginThrottle
from creative_hub.db.session import SessionDep
from creative_hub.settings import Settings
from creative_hub.tasks import endpoints as task_endpoints
from creative_hub.tasks.service import TaskService

FIXES = frozenset(f.strip() for f in os.environ.get("BENCH_WHATIF", "").split(",") if f.strip())
KNOWN = {"asyncdeps", "noping", "orjson", "usercache", "like"}
if FIXES - KNOWN:
    raise SystemExit(f"unknown BENCH_WHATIF fixes {sorted(FIXES - KNOWN)}; known: {sorted(KNOWN)}")


def _patch_engine() -> None:
    import creative_hub.db.engine as engine_module

    original = engine_module.create_async_engine  # type: ignore[attr-defined]

    def create_async_engine(url: Any, **kwargs: Any) -> Any:
        if "noping" in FIXES:
            kwargs["pool_pre_ping"] = False
        if "orjson" in FIXES:
            kwargs["json_serializer"] = lambda v: orjson.dumps(v).decode()
            kwargs["json_deserializer"] = orjson.loads
        return original(url, **kwargs)

    engine_module.create_async_engine = create_async_engine  # type: ignore[attr-defined]


def _patch_user_cache() -> None:
    original = AuthService._active_user
    cache: dict[uuid.UUID, tuple[float, Any]] = {}

    async def _active_user(self: AuthService, user_id: uuid.UUID) -> Any:
        now = time.monotonic()
        hit = cache.get(user_id)
        if hit and hit[0] > now:
            return hit[1]
        user = await original(self, user_id)
        cache[user_id] = (now + 5.0, user)
        return user

    AuthService._active_user = _active_user  # type: ignore[method-assign]


def _async_dependencies(app: FastAPI) -> None:
    async def settings_dep(request: Request) -> Settings:
        settings: Settings = request.app.state.runtime.settings
        return settings

    async def auth_service(session: SessionDep, settings: deps.SettingsDep) -> AuthService:
        return AuthService(session, settings)

    async def login_throttle(request: Request, settings: deps.SettingsDep) -> LoginThrottle:
        return LoginThrottle(request.app.state.runtime.limiter, settings)

    async def task_service(request: Request, session: SessionDep) -> TaskService:
        runtime = request.app.state.runtime
        return TaskService(session, runtime.bus, runtime.store)

    app.dependency_overrides[deps.get_settings_dep] = settings_dep
    app.dependency_overrides[deps.get_auth_service] = auth_service
    app.dependency_overrides[deps.get_login_throttle] = login_throttle
    app.dependency_overrides[task_endpoints.get_task_service] = task_service


def build() -> FastAPI:
    if FIXES & {"noping", "orjson"}:
        _patch_engine()
    if "usercache" in FIXES:
        _patch_user_cache()
    from creative_hub.app import create_app

    application: FastAPI = create_app()
    if "asyncdeps" in FIXES:
        _async_dependencies(application)
    return application


app = build()
