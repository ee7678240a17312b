"""Seed a benchmark database: one user with N tasks (100,000 by default).

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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from creative_hub.auth.schemas import RegisterRequest
from creative_hub.auth.security import configure_password_hashing
from creative_hub.auth.service import AuthService
from creative_hub.db import migrate
from creative_hub.db.engine import create_engine, create_sessionmaker
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.settings import Settings
from creative_hub.tasks.search import search_columns

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / "results" / "work"
DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_POSTGRES_DB = "ch_bench"

USERNAME = "bench"
EMAIL = "bench@example.com"
PASSWORD = "bench-password-123"  # noqa: S105  (a throwaway local benchmark account)

# Search terms and the share of rows that contain them.
MARKERS: dict[str, tuple[str, float]] = {
    # name: (phrase placed in the prompt, share of rows)
    "en": ("a lonely lighthouse on a cliff", 0.01),
    "zh3": ("街角的咖啡馆", 0.01),
    "zh2": ("海边的灯塔", 0.01),
    "zh2_rare": ("一只麒麟", 0.0005),
}
SEARCH_TERMS = {"en": "lighthouse", "zh3": "咖啡馆", "zh2": "灯塔", "zh2_rare": "麒麟"}

SUBJECTS_EN = [
    "a red fox", "an old fisherman", "a neon city street", "a mountain village",
    "a cat astronaut", "a samurai", "a glass greenhouse", "a desert caravan",
    "a vintage bicycle", "a jazz band", "a koi pond", "an abandoned train station",
    "a robot gardener", "a snowy forest", "a floating island", "a street market",
    "a steam locomotive", "a sunflower field", "a medieval castle", "a deep sea diver",
    "a paper boat", "a tea house", "a clockwork owl", "a crowded subway car",
]  # fmt: skip
SETTINGS_EN = [
    "at sunset", "in the rain", "under the northern lights", "at dawn", "in heavy fog",
    "on a summer afternoon", "at midnight", "during a thunderstorm", "in autumn",
    "in the snow", "by candlelight", "seen from above",
]  # fmt: skip
STYLES_EN = [
    "oil painting", "watercolor", "cinematic lighting, 35mm", "studio ghibli style",
    "photorealistic, 8k", "isometric illustration", "pixel art", "ink wash painting",
    "low poly 3d render", "art nouveau poster", "charcoal sketch", "double exposure",
]  # fmt: skip
EXTRAS_EN = [
    "highly detailed", "soft focus", "dramatic shadows", "pastel colors", "wide angle",
    "bokeh", "golden hour", "volumetric light", "muted palette", "high contrast",
]  # fmt: skip
SUBJECTS_ZH = [
    "一只红狐狸", "老渔夫", "霓虹闪烁的城市街道", "山间小村", "宇航员小猫", "武士",
    "玻璃温室", "沙漠驼队", "复古自行车", "爵士乐队", "锦鲤池塘", "废弃的火车站",
    "机器人园丁", "雪中森林", "漂浮的岛屿", "热闹的集市", "蒸汽火车", "向日葵花田",
    "中世纪城堡", "深海潜水员", "纸船", "江南茶楼", "发条猫头鹰", "拥挤的地铁车厢",
]  # fmt: skip
SETTINGS_ZH = [
    "在日落时分", "在雨中", "在北极光下", "在黎明", "在浓雾里", "在夏日午后", "在午夜",
    "在雷雨中", "在秋天", "在雪地里", "在烛光下", "从高处俯瞰",
]  # fmt: skip
STYLES_ZH = [
    "油画", "水彩画", "电影感光影", "宫崎骏风格", "照片级写实", "等距插画", "像素艺术",
    "水墨画", "低多边形三维渲染", "新艺术运动海报", "炭笔素描", "双重曝光",
]  # fmt: skip
EXTRAS_ZH = [
    "细节丰富", "柔焦", "戏剧性的阴影", "柔和的色彩", "广角镜头", "背景虚化", "黄金时刻",
    "体积光", "低饱和度", "高对比度",
]  # fmt: skip

# (task type, weight, provider, model)
TASK_MIX: list[tuple[TaskType, int, str, str | None]] = [
    (TaskType.image_generation, 35, "comfyui", "sdxl-base-1.0"),
    (TaskType.chat, 20, "local", "smollm2-135m-instruct"),
    (TaskType.prompt_enhance, 8, "local", "smollm2-135m-instruct"),
    (TaskType.prompt_variations, 4, "local", "smollm2-135m-instruct"),
    (TaskType.prompt_critique, 3, "openai_compat", "gpt-4o-mini"),
    (TaskType.image_upscale, 4, "local", "lanczos"),
    (TaskType.text_to_video, 5, "local", "storyboard"),
    (TaskType.image_to_video, 3, "local", "zoompan"),
    (TaskType.video_compose, 2, "local", "ffmpeg"),
    (TaskType.speech, 6, "local", "piper-joe-us"),
    (TaskType.music, 4, "local", "midi-fluidsynth"),
    (TaskType.sound_effect, 2, "local", "procedural"),
    (TaskType.transcription, 2, "local", "whisper-tiny.en"),
    (TaskType.audio_mix, 1, "local", "ffmpeg"),
    (TaskType.workflow_step, 1, "local", None),
]
STATUS_MIX = [(TaskStatus.succeeded, 85), (TaskStatus.failed, 10), (TaskStatus.cancelled, 5)]
FAILURES = [
    ("provider_error", "The provider answered 502 Bad Gateway."),
    ("timeout", "The task ran longer than its 3600 s limit."),
    ("invalid_input", "The image is larger than 4096 pixels on its longest side."),
]


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


def _check_vocabulary() -> None:
    """The markers must appear only where placed, or the match counts would drift."""
    vocab = [
        *SUBJECTS_EN,
        *SETTINGS_EN,
        *STYLES_EN,
        *EXTRAS_EN,
        *SUBJECTS_ZH,
        *SETTINGS_ZH,
        *STYLES_ZH,
        *EXTRAS_ZH,
        "blurry, low quality",
        "模糊，低质量",
    ]
    for term in SEARCH_TERMS.values():
        clash = [w for w in vocab if term.lower() in w.lower()]
        if clash:
            raise AssertionError(f"search term {term!r} occurs in vocabulary {clash}")


class TaskFactory:
    def __init__(self, user_id: uuid.UUID, total: int, rng: random.Random) -> None:
        self.user_id = user_id
        self.rng = rng
        self.now = datetime.now(UTC)
        # Exact, disjoint row sets for each marker phrase.
        self.marker_of: dict[int, str] = {}
        free = list(range(total))
        rng.shuffle(free)
        start = 0
        for name, (_, share) in MARKERS.items():
            n = round(total * share)
            for i in free[start : start + n]:
                self.marker_of[i] = name
            start += n
        self.types = [t for t, *_ in TASK_MIX]
        self.type_weights = [w for _, w, *_ in TASK_MIX]
        self.provider_of = {t: (p, m) for t, _, p, m in TASK_MIX}
        self.statuses = [s for s, _ in STATUS_MIX]
        self.status_weights = [w for _, w in STATUS_MIX]

    def _prompt(self, zh: bool, marker: str | None) -> str:
        r = self.rng
        if zh:
            subject = MARKERS[marker][0] if marker else r.choice(SUBJECTS_ZH)
            extras = "，".join(r.sample(EXTRAS_ZH, r.randint(1, 3)))
            return f"{subject}{r.choice(SETTINGS_ZH)}，{r.choice(STYLES_ZH)}，{extras}"
        subject = MARKERS[marker][0] if marker else r.choice(SUBJECTS_EN)
        extras = ", ".join(r.sample(EXTRAS_EN, r.randint(1, 3)))
        return f"{subject} {r.choice(SETTINGS_EN)}, {r.choice(STYLES_EN)}, {extras}"

    def _input(self, task_type: TaskType, zh: bool, prompt: str) -> dict[str, Any]:
        r = self.rng
        asset = f"{uuid.UUID(int=r.getrandbits(128))}"
        match task_type:
            case TaskType.image_generation:
                w, h = r.choice([(512, 512), (768, 768), (1024, 1024), (1024, 1536), (1536, 1024)])
                return {
                    "prompt": prompt,
                    "negative_prompt": "模糊，低质量" if zh else "blurry, low quality",
                    "width": w,
                    "height": h,
                    "steps": r.randint(20, 50),
                    "seed": r.getrandbits(31),
                }
            case TaskType.chat:
                content = (
                    f"写一个关于{prompt}的小故事。"
                    if zh
                    else f"Write a short story about {prompt}."
                )
                return {
                    "content": content,
                    "temperature": round(r.uniform(0.2, 1.0), 2),
                    "max_tokens": r.choice([256, 512, 1024]),
                }
            case TaskType.prompt_variations:
                return {"prompt": prompt, "count": r.choice([3, 4, 6])}
            case TaskType.image_upscale:
                return {"asset_id": asset, "scale": r.choice([2, 4]), "prompt": prompt}
            case TaskType.text_to_video:
                return {
                    "prompt": prompt,
                    "duration": r.randint(4, 10),
                    "fps": 24,
                    "width": 1280,
                    "height": 720,
                }
            case TaskType.image_to_video:
                return {"asset_id": asset, "prompt": prompt, "duration": r.randint(3, 8)}
            case TaskType.video_compose:
                return {
                    "title": prompt,
                    "clips": [asset, str(uuid.UUID(int=r.getrandbits(128)))],
                    "transition": "xfade",
                }
            case TaskType.speech:
                return {
                    "text": prompt,
                    "voice": "zh-female" if zh else "joe-us",
                    "speed": r.choice([0.9, 1.0, 1.1]),
                }
            case TaskType.music:
                return {
                    "prompt": prompt,
                    "mood": r.choice(["calm", "epic", "playful", "dark"]),
                    "duration": r.choice([15, 30, 60]),
                }
            case TaskType.sound_effect:
                return {"prompt": prompt, "duration": r.choice([1, 2, 3, 5])}
            case TaskType.transcription:
                return {"asset_id": asset, "language": "zh" if zh else "en", "title": prompt}
            case TaskType.audio_mix:
                return {"title": prompt, "tracks": [asset], "ducking": True}
            case TaskType.workflow_step:
                return {"idea": prompt, "step": r.choice(["script", "storyboard", "images"])}
            case _:  # prompt_enhance, prompt_critique
                return {"prompt": prompt}

    def _output(
        self, task_type: TaskType, data: dict[str, Any]
    ) -> tuple[dict[str, Any], list[str]]:
        r = self.rng
        ids = [str(uuid.UUID(int=r.getrandbits(128))) for _ in range(r.randint(1, 2))]
        if task_type in (
            TaskType.chat,
            TaskType.prompt_enhance,
            TaskType.prompt_critique,
            TaskType.prompt_variations,
        ):
            return {
                "text": (data.get("prompt") or data.get("content") or "") * 2,
                "tokens": r.randint(40, 900),
            }, []
        if task_type == TaskType.image_generation:
            return {
                "width": data["width"],
                "height": data["height"],
                "seed": data["seed"],
                "asset_ids": ids,
            }, [f"/api/assets/{i}" for i in ids]
        return {"asset_ids": ids, "duration": r.randint(1, 60)}, [f"/api/assets/{i}" for i in ids]

    def row(self, i: int) -> dict[str, Any]:
        r = self.rng
        marker = self.marker_of.get(i)
        zh = marker in ("zh3", "zh2", "zh2_rare") if marker else r.random() < 0.4
        task_type = r.choices(self.types, self.type_weights)[0]
        status = r.choices(self.statuses, self.status_weights)[0]
        provider, model = self.provider_of[task_type]
        input_data = self._input(task_type, zh, self._prompt(zh, marker))
        created = self.now - timedelta(seconds=r.uniform(60, 365 * 24 * 3600))
        started = created + timedelta(seconds=r.uniform(0.01, 5))
        finished = started + timedelta(seconds=r.uniform(0.2, 240))
        output_data: dict[str, Any] | None = None
        output_urls: list[str] = []
        error_code = error_message = None
        if status == TaskStatus.succeeded:
            output_data, output_urls = self._output(task_type, input_data)
        elif status == TaskStatus.failed:
            error_code, error_message = r.choice(FAILURES)
        return {
            "id": uuid.UUID(int=r.getrandbits(128), version=4),
            "user_id": self.user_id,
            "task_type": task_type,
            "status": status,
            "input_data": input_data,
            "output_data": output_data,
            "output_urls": output_urls,
            **search_columns(input_data),
            "progress": 100 if status == TaskStatus.succeeded else r.randint(0, 90),
            "progress_message": None,
            "error_code": error_code,
            "error_message": error_message,
            "provider": provider,
            "model": model,
            "attempts": 1 if status != TaskStatus.failed else r.randint(1, 2),
            "cancel_requested": status == TaskStatus.cancelled,
            "heartbeat_at": None,
            "workflow_id": None,
            "started_at": started,
            "finished_at": finished,
            "created_at": created,
            "updated_at": finished,
        }


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
    admin_url: str = DEFAULT_POSTGRES_ADMIN_URL,
    data_dir: Path = WORK_DIR / "data",
) -> SeedResult:
    _check_vocabulary()
    start = time.perf_counter()
    if backend == "postgresql":
        await _recreate_postgres(url, admin_url)
    else:
        _recreate_sqlite(url)
    # Alembic's env.py runs its own event loop: give it a thread.
    await asyncio.to_thread(migrate.upgrade, url)
    user_id = await _create_user(_settings(url, data_dir))
    factory = TaskFactory(user_id, tasks, random.Random(random_seed))
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
    args = parser.parse_args()
    url = url_for(args.backend, args.postgres_admin_url)
    result = asyncio.run(
        seed(
            args.backend, url, tasks=args.tasks, batch=args.batch, admin_url=args.postgres_admin_url
        )
    )
    print(json.dumps(asdict(result), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
