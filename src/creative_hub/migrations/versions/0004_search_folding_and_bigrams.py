"""tasks search: lower-cased search_text, and CJK bigrams for 2-character terms

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2_000
# A frozen copy of tasks/search.py at this revision: a migration must not change
# meaning when the app's code moves on.
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]{2,}"
)


def _grams(search_text: str) -> str:
    grams: dict[str, None] = {}
    for run in _CJK_RUN.findall(search_text):
        for i in range(len(run) - 1):
            grams.setdefault(run[i : i + 2], None)
    return " ".join(grams)


def _backfill() -> None:
    """Lower-case search_text and fill search_grams, in keyset batches."""
    bind = op.get_bind()
    tasks = sa.table(
        "tasks",
        sa.column("id", sa.Uuid()),
        sa.column("search_text", sa.Text()),
        sa.column("search_grams", sa.Text()),
    )
    last = None
    while True:
        stmt = sa.select(tasks.c.id, tasks.c.search_text).order_by(tasks.c.id).limit(_BATCH)
        if last is not None:
            stmt = stmt.where(tasks.c.id > last)
        rows = bind.execute(stmt).all()
        if not rows:
            return
        changes = []
        for task_id, search_text in rows:
            lowered = (search_text or "").lower()
            grams = _grams(lowered)
            if lowered != search_text or grams:
                changes.append({"key": task_id, "text": lowered, "grams": grams})
        if changes:
            bind.execute(
                tasks.update()
                .where(tasks.c.id == sa.bindparam("key"))
                .values(search_text=sa.bindparam("text"), search_grams=sa.bindparam("grams")),
                changes,
            )
        last = rows[-1][0]


def upgrade() -> None:
    op.add_column("tasks", sa.Column("search_grams", sa.Text(), nullable=False, server_default=""))
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_tasks_search_grams ON tasks "
            "USING gin (string_to_array(search_grams, ' '))"
        )
        return
    # unicode61 splits on spaces, so each stored bigram is one token: a 2-character
    # term is an exact token lookup. Keyed by tasks.rowid, like tasks_fts.
    op.execute(
        "CREATE VIRTUAL TABLE tasks_grams_fts USING fts5("
        "search_grams, content='tasks', content_rowid='rowid', tokenize='unicode61')"
    )
    op.execute("INSERT INTO tasks_grams_fts(tasks_grams_fts) VALUES('rebuild')")
    op.execute(
        "CREATE TRIGGER tasks_grams_fts_insert AFTER INSERT ON tasks BEGIN "
        "INSERT INTO tasks_grams_fts(rowid, search_grams) "
        "VALUES (new.rowid, new.search_grams); END"
    )
    op.execute(
        "CREATE TRIGGER tasks_grams_fts_delete AFTER DELETE ON tasks BEGIN "
        "INSERT INTO tasks_grams_fts(tasks_grams_fts, rowid, search_grams) "
        "VALUES ('delete', old.rowid, old.search_grams); END"
    )
    op.execute(
        "CREATE TRIGGER tasks_grams_fts_update AFTER UPDATE OF search_grams ON tasks BEGIN "
        "INSERT INTO tasks_grams_fts(tasks_grams_fts, rowid, search_grams) "
        "VALUES ('delete', old.rowid, old.search_grams); "
        "INSERT INTO tasks_grams_fts(rowid, search_grams) "
        "VALUES (new.rowid, new.search_grams); END"
    )


def downgrade() -> None:
    # search_text stays lower-cased: the older search matched case-insensitively anyway.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tasks_search_grams")
    else:
        for trigger in ("tasks_grams_fts_insert", "tasks_grams_fts_delete",
                        "tasks_grams_fts_update"):  # fmt: skip
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS tasks_grams_fts")
    op.drop_column("tasks", "search_grams")
