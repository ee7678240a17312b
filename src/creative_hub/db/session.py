"""One session per request: commit on success, roll back on error, then flush queued jobs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

_PENDING_JOBS = "pending_jobs"
_AFTER_COMMIT = "after_commit"

AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run callback (publish an event, say) once the transaction has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


async def run_after_commit(session: AsyncSession) -> None:
    callbacks: list[AfterCommit] = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        await callback()


def defer_job(session: AsyncSession, task_id: uuid.UUID) -> None:
    """Enqueue task_id once the session's transaction has committed (never before)."""
    session.info.setdefault(_PENDING_JOBS, []).append(task_id)


def take_deferred_jobs(session: AsyncSession) -> list[uuid.UUID]:
    jobs: list[uuid.UUID] = session.info.pop(_PENDING_JOBS, [])
    return jobs


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    state = request.app.state
    async with state.runtime.sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            take_deferred_jobs(session)
            session.info.pop(_AFTER_COMMIT, None)
            raise
        for task_id in take_deferred_jobs(session):
            await state.runtime.queue.enqueue(task_id)
        await run_after_commit(session)


# scope="function": commit before the response is sent, so a client that sees 202
# can read the task at once.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
