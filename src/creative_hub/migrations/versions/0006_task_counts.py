"""task_counts kept by triggers; newest-first indexes for filtered task lists

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TASK_TYPES = (
    "chat", "prompt_enhance", "prompt_variations", "prompt_critique", "image_generation",
    "image_upscale", "text_to_video", "image_to_video", "video_compose", "speech", "music",
    "sound_effect", "transcription", "audio_mix", "workflow_step",
)  # fmt: skip
TASK_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")

_SQLITE_UP = (
    "INSERT INTO task_counts (user_id, task_type, status, n) "
    "VALUES (new.user_id, new.task_type, new.status, 1) "
    "ON CONFLICT (user_id, task_type, status) DO UPDATE SET n = n + 1;"
)
_SQLITE_DOWN = (
    "UPDATE task_counts SET n = n - 1 "
    "WHERE user_id = old.user_id AND task_type = old.task_type AND status = old.status;"
)
_CHANGED = (
    "old.status IS NOT new.status OR old.task_type IS NOT new.task_type "
    "OR old.user_id IS NOT new.user_id"
)

# PostgreSQL: one function for all three events. The two counter rows of a change are
# locked in one fixed order (by type, then status), so two transactions moving tasks in
# opposite directions cannot deadlock on them.
_PG_FUNCTION = """
CREATE FUNCTION task_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.task_type::text, OLD.status::text)
                          > (NEW.task_type::text, NEW.status::text) THEN
    INSERT INTO task_counts (user_id, task_type, status, n)
    VALUES (NEW.user_id, NEW.task_type, NEW.status, 1)
    ON CONFLICT (user_id, task_type, status) DO UPDATE SET n = task_counts.n + 1;
    UPDATE task_counts SET n = n - 1
    WHERE user_id = OLD.user_id AND task_type = OLD.task_type AND status = OLD.status;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE task_counts SET n = n - 1
    WHERE user_id = OLD.user_id AND task_type = OLD.task_type AND status = OLD.status;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO task_counts (user_id, task_type, status, n)
    VALUES (NEW.user_id, NEW.task_type, NEW.status, 1)
    ON CONFLICT (user_id, task_type, status) DO UPDATE SET n = task_counts.n + 1;
  END IF;
  RETURN NULL;
END $$
"""


def _enum(name: str, values: tuple[str, ...]) -> sa.types.TypeEngine[str]:
    # The PostgreSQL types exist since 0001.
    return sa.Enum(*values, name=name).with_variant(
        postgresql.ENUM(*values, name=name, create_type=False), "postgresql"
    )


def upgrade() -> None:
    op.create_table(
        "task_counts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("task_type", _enum("task_type", TASK_TYPES), nullable=False),
        sa.Column("status", _enum("task_status", TASK_STATUSES), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_task_counts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "task_type", "status", name=op.f("pk_task_counts")),
    )
    op.execute(
        "INSERT INTO task_counts (user_id, task_type, status, n) "
        "SELECT user_id, task_type, status, count(*) FROM tasks "
        "GROUP BY user_id, task_type, status"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER task_counts_insert_delete AFTER INSERT OR DELETE ON tasks "
            "FOR EACH ROW EXECUTE FUNCTION task_counts_sync()"
        )
        op.execute(
            "CREATE TRIGGER task_counts_update AFTER UPDATE OF status, task_type, user_id "
            "ON tasks FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
            "OR OLD.task_type IS DISTINCT FROM NEW.task_type "
            "OR OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION task_counts_sync()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks BEGIN {_SQLITE_UP} END"
        )
        op.execute(
            f"CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks BEGIN {_SQLITE_DOWN} END"
        )
        op.execute(
            "CREATE TRIGGER task_counts_update AFTER UPDATE OF status, task_type, user_id "
            f"ON tasks WHEN {_CHANGED} BEGIN {_SQLITE_DOWN} {_SQLITE_UP} END"
        )
    op.drop_index("ix_tasks_user_type", table_name="tasks")
    op.drop_index("ix_tasks_user_status", table_name="tasks")
    op.create_index(
        "ix_tasks_user_type_created", "tasks", ["user_id", "task_type", "created_at", "id"]
    )
    op.create_index(
        "ix_tasks_user_status_created", "tasks", ["user_id", "status", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_user_status_created", table_name="tasks")
    op.drop_index("ix_tasks_user_type_created", table_name="tasks")
    op.create_index("ix_tasks_user_status", "tasks", ["user_id", "status"])
    op.create_index("ix_tasks_user_type", "tasks", ["user_id", "task_type"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS task_counts_update ON tasks")
        op.execute("DROP TRIGGER IF EXISTS task_counts_insert_delete ON tasks")
        op.execute("DROP FUNCTION IF EXISTS task_counts_sync()")
    else:
        for trigger in ("task_counts_insert", "task_counts_delete", "task_counts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("task_counts")
