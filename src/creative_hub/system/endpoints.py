"""GET /api, /api/health, /api/ready and /metrics."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from creative_hub import __version__
from creative_hub.models.enums import TaskStatus
from creative_hub.tasks.repository import TaskRepository

router = APIRouter(tags=["system"])
_CHECK_TIMEOUT = 3.0


@router.get("/api", summary="Name and version")
async def api_root() -> dict[str, str]:
    return {"name": "Creative Hub", "version": __version__, "docs": "/docs"}


@router.get("/api/health", summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


async def _check_database(runtime: Any) -> None:
    async with runtime.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _check_queue(runtime: Any) -> None:
    if not runtime.queue.is_healthy():
        raise RuntimeError("the job runner is not running")
    if not await runtime.bus.ping():
        raise RuntimeError("the event bus does not answer")


async def _check_storage(runtime: Any) -> None:
    if not await runtime.store.ping():
        raise RuntimeError("the asset store is not writable")


@router.get(
    "/api/ready",
    summary="Readiness: database, queue and storage work (503 naming what failed)",
    responses={503: {"description": "A check failed"}},
)
async def ready(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    checks = {"database": _check_database, "queue": _check_queue, "storage": _check_storage}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(runtime), timeout=_CHECK_TIMEOUT)
            results[name] = "ok"
        except Exception as exc:  # a failed check is the answer, not an error
            results[name] = f"failed: {type(exc).__name__}: {exc}"[:300]
    failed = [name for name, result in results.items() if result != "ok"]
    if failed:
        return JSONResponse(
            status_code=503,
            content={
                "error": {
                    "code": "not_ready",
                    "message": f"Not ready: {', '.join(failed)} failed.",
                    "details": {"checks": results},
                }
            },
        )
    return JSONResponse({"status": "ready", "checks": results})


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    runtime = request.app.state.runtime
    m = request.app.state.metrics
    async with runtime.sessionmaker() as session:
        repo = TaskRepository(session)
        counts = await repo.counts_all()
    m.tasks.clear()
    for task_type, status, n in counts:
        m.tasks.labels(task_type=task_type.value, status=status.value).set(n)
    m.queue_depth.set(sum(n for _, status, n in counts if status == TaskStatus.queued))
    m.jobs_running.set(runtime.queue.running())
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
