"""SQLite: remember which tasks were written out of creation order (for search pages)

A search page on SQLite walks the FTS5 index newest rowid first and stops at the page
size, which is right only where rowid order is creation order. That holds for a task
written after every older task of its user, which is nearly all of them; the others are
listed in tasks_out_of_order, kept by triggers, and searched the slow way
(tasks/search_order.py). PostgreSQL does not need it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = (
    # Out of order: an earlier row of the same user sorts after this one.
    "CREATE TRIGGER tasks_order_insert AFTER INSERT ON tasks "
    "WHEN EXISTS (SELECT 1 FROM tasks AS earlier WHERE earlier.user_id = new.user_id "
    "AND (earlier.created_at, earlier.id) > (new.created_at, new.id) "
    "AND earlier.rowid < new.rowid) BEGIN "
    "INSERT OR REPLACE INTO tasks_out_of_order (task_rowid, user_id, created_at, id) "
    "VALUES (new.rowid, new.user_id, new.created_at, new.id); END",
    "CREATE TRIGGER tasks_order_delete AFTER DELETE ON tasks BEGIN "
    "DELETE FROM tasks_out_of_order WHERE task_rowid = old.rowid; END",
    # The app never changes these; if anything does, the row leaves the fast path.
    "CREATE TRIGGER tasks_order_update AFTER UPDATE OF user_id, created_at, id ON tasks BEGIN "
    "INSERT OR REPLACE INTO tasks_out_of_order (task_rowid, user_id, created_at, id) "
    "VALUES (new.rowid, new.user_id, new.created_at, new.id); END",
)


def _backfill() -> None:
    """One pass in rowid order, keeping each user's greatest (created_at, id) so far."""
    bind = op.get_bind()
    greatest: dict[object, tuple[object, object]] = {}
    out_of_order: list[dict[str, object]] = []
    rows = bind.execute(sa.text("SELECT rowid, user_id, created_at, id FROM tasks ORDER BY rowid"))
    for rowid, user_id, created_at, task_id in rows:
        key = (created_at, task_id)
        seen = greatest.get(user_id)
        if seen is not None and seen > key:
            out_of_order.append(
                {"task_rowid": rowid, "user_id": user_id, "created_at": created_at, "id": task_id}
            )
        else:
            greatest[user_id] = key
    if out_of_order:
        bind.execute(
            sa.text(
                "INSERT INTO tasks_out_of_order (task_rowid, user_id, created_at, id) "
                "VALUES (:task_rowid, :user_id, :created_at, :id)"
            ),
            out_of_order,
        )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_table(
        "tasks_out_of_order",
        sa.Column("task_rowid", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        # The task's sort key, so the few that could reach a page are found by index.
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
    )
    op.create_index(
        "ix_tasks_out_of_order_user_created",
        "tasks_out_of_order",
        ["user_id", "created_at", "id"],
    )
    _backfill()
    for trigger in _TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("tasks_order_insert", "tasks_order_delete", "tasks_order_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_tasks_out_of_order_user_created", table_name="tasks_out_of_order")
    op.drop_table("tasks_out_of_order")
