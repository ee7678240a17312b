"""Alembic driven from code, so `creative-hub db ...` works from any folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Full-text search lives outside the ORM: the FTS5 tables (and their shadow tables) and
# the out-of-order list (migration 0007) on SQLite, the trigram and bigram indexes on
# PostgreSQL. Autogenerate must not see them as drift.
_UNMANAGED_TABLE_PREFIXES = ("tasks_fts", "tasks_grams_fts", "tasks_out_of_order")
_UNMANAGED_INDEXES = frozenset({"ix_tasks_search_text_trgm", "ix_tasks_search_grams"})


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if type_ == "table" and name and name.startswith(_UNMANAGED_TABLE_PREFIXES):
        return False
    return not (type_ == "index" and name in _UNMANAGED_INDEXES)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on '%' in passwords.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _ensure_sqlite_dir(url: str) -> None:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


def upgrade(url: str, revision: str = "head") -> None:
    _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> None:
    command.current(alembic_config(url), verbose=True)
