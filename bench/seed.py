"""Seed a benchmark database: one user with N tasks (100,000 by default).

What the tasks hold (prompts, markers, states) is bench/seed_tasks.py; this writes them.

    .venv/bin/python -m bench.seed sqlite          # bench/results/work/sqlite/creative_hub.db
    .venv/bin/python -m bench.seed postgresql      # database ch_bench on 127.0.0.1:5432

The database is dropped and recreated on every run, migrated with the app's own
Alembic chain, filled through SQLAlchemy Core executemany in batches, then
ANALYZEd. The user is created through AuthService (a real argon2 hash), so the
benchmark signs in through POST /api/auth/login like any client.

Prompts are English (60 %) and Simplified Chinese (40 %). Marker phrases are placed
in an exact number of rows so each search returns a known share of the history:

    lighthouse   English,   1 %    (FTS5 trigram / pg_trgm path)
    咖啡馆        Chinese,   1 %    (3 characters: FTS5 trigram / pg_trgm path)
    灯塔          Chinese,   1 %    (2 characters: the CJK bigram index)
    麒麟          Chinese,   0.05 % (2 characters, rare: the bigram index; once a full scan)

Rows are written oldest first, as a history is (`--order shuffled` writes the same
creation times in random order, the worst case for any storage-order locality).

Every task is terminal (succeeded / failed / cancelled): a queued or running task
would be picked up by the server's in-process job runner at start-up and its work
would land inside the measurements.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.seed_tasks import SEARCH_TERMS, TaskFactory, check_vocabulary
from creative_hub.auth.schemas import RegisterRequest
from creative_hub.auth.security import configure_password_hashing
from creative_hub.auth.service import AuthService
from creative_hub.db import migrate
from creative_hub.db.engine import create_engine, create_sessionmaker
from creative_hub.models.task import Task
from creative_hub.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / "results" / "work"
DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_POSTGRES_DB = "ch_bench"

USERNAME = "bench"
EMAIL = "bench@example.com"
PASSWORD = "bench-password-123"  # noqa: S105  (a throwaway local benchmark account)


@dataclass
class SeedResult:
    backend: str
    url: str
    tasks: int
    seconds: float
    rows_per_second: float
    user_id: str
    username: str
    password: str
    matches: dict[str, int] = field(default_factory=dict)
    database_bytes: int | None = None


# -- databases ------------------------------------------------------------------------


def sqlite_url(work_dir: Path = WORK_DIR) -> str:
    return f"sqlite+aiosqlite:///{(work_dir / 'sqlite' / 'creative_hub.db').resolve()}"


def postgres_url(admin_url: str = DEFAULT_POSTGRES_ADMIN_URL, db: str = DEFAULT_POSTGRES_DB) -> str:
    return (
        make_url(admin_url)
        .set(drivername="postgresql+asyncpg", database=db)
        .render_as_string(hide_password=False)
    )


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _recreate_postgres(url: str, admin_url: str) -> None:
    name = make_url(url).database
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to drop database {name!r}")
    admin = await asyncpg.connect(_asyncpg_dsn(admin_url), timeout=10)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def _recreate_sqlite(url: str) -> Path:
    path = Path(make_url(url).database or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(database_url=url, data_dir=data_dir, log_level="WARNING")


async def _create_user(settings: Settings) -> uuid.UUID:
    configure_password_hashing(settings.argon2_time_cost, settings.argon2_memory_kib)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            user = await AuthService(session, settings).register(
                RegisterRequest(email=EMAIL, username=USERNAME, password=PASSWORD)
            )
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


async def _insert_tasks(url: str, factory: TaskFactory, total: int, batch: int) -> None:
    engine = create_async_engine(url)
    stmt = insert(Task.__table__)  # type: ignore[arg-type]
    try:
        done = 0
        while done < total:
            n = min(batch, total - done)
            rows = [factory.row(i) for i in range(done, done + n)]
            async with engine.begin() as conn:
                await conn.execute(stmt, rows)
            done += n
            print(f"  inserted {done:>7,}/{total:,}", end="\r", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    finally:
        await engine.dispose()


async def _analyze(url: str, backend: str, admin_url: str) -> None:
    if backend == "postgresql":
        # VACUUM cannot run in a transaction: a bare asyncpg connection autocommits.
        conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
        try:
            await conn.execute("VACUUM ANALYZE")
        finally:
            await conn.close()
        return
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        await engine.dispose()


async def _match_counts(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            counts = {}
            for name, term in SEARCH_TERMS.items():
                stmt = select(func.count()).where(Task.search_text.contains(term))
                counts[name] = int((await conn.execute(stmt)).scalar_one())
            return counts
    finally:
        await engine.dispose()


async def _database_bytes(url: str, backend: str) -> int | None:
    if backend == "postgresql":
        conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
        try:
            return int(await conn.fetchval("SELECT pg_database_size(current_database())"))
        finally:
            await conn.close()
    return _file_bytes(Path(make_url(url).database or ""))


def _file_bytes(path: Path) -> int:
    files = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    return sum(f.stat().st_size for f in files if f.exists())


async def seed(
    backend: str,
    url: str,
    *,
    tasks: int = 100_000,
    batch: int = 5_000,
    random_seed: int = 20261128,
    shuffled: bool = False,
    admin_url: str = DEFAULT_POSTGRES_ADMIN_URL,
    data_dir: Path = WORK_DIR / "data",
) -> SeedResult:
    check_vocabulary()
    start = time.perf_counter()
    if backend == "postgresql":
        await _recreate_postgres(url, admin_url)
    else:
        _recreate_sqlite(url)
    # Alembic's env.py runs its own event loop: give it a thread.
    await asyncio.to_thread(migrate.upgrade, url)
    user_id = await _create_user(_settings(url, data_dir))
    factory = TaskFactory(user_id, tasks, random.Random(random_seed), shuffled=shuffled)
    inserting = time.perf_counter()
    await _insert_tasks(url, factory, tasks, batch)
    insert_seconds = time.perf_counter() - inserting
    await _analyze(url, backend, admin_url)
    seconds = time.perf_counter() - start
    return SeedResult(
        backend=backend,
        url=make_url(url).render_as_string(hide_password=True),
        tasks=tasks,
        seconds=round(seconds, 1),
        rows_per_second=round(tasks / insert_seconds),
        user_id=str(user_id),
        username=USERNAME,
        password=PASSWORD,
        matches=await _match_counts(url),
        database_bytes=await _database_bytes(url, backend),
    )


def url_for(backend: str, admin_url: str = DEFAULT_POSTGRES_ADMIN_URL) -> str:
    if backend == "sqlite":
        return sqlite_url()
    if backend == "postgresql":
        return postgres_url(admin_url)
    raise ValueError(f"unknown backend {backend!r} (sqlite or postgresql)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES_ADMIN_URL)
    parser.add_argument(
        "--order",
        choices=["chronological", "shuffled"],
        default="chronological",
        help="the order rows are written in (shuffled: creation times in random order)",
    )
    args = parser.parse_args()
    url = url_for(args.backend, args.postgres_admin_url)
    result = asyncio.run(
        seed(
            args.backend,
            url,
            tasks=args.tasks,
            batch=args.batch,
            shuffled=args.order == "shuffled",
            admin_url=args.postgres_admin_url,
        )
    )
    print(json.dumps(asdict(result), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
