"""workflows: idea, options, per-step states and the last error

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("workflows") as batch:
        batch.add_column(sa.Column("idea", sa.Text(), nullable=False, server_default=""))
        # Existing rows get empty objects; new rows are always written by the service.
        batch.add_column(sa.Column("options", _json(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("step_states", _json(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("error_code", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("error_message", sa.Text(), nullable=True))
    with op.batch_alter_table("workflows") as batch:
        batch.alter_column("idea", server_default=None)
        batch.alter_column("options", server_default=None)
        batch.alter_column("step_states", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("workflows") as batch:
        batch.drop_column("error_message")
        batch.drop_column("error_code")
        batch.drop_column("step_states")
        batch.drop_column("options")
        batch.drop_column("idea")
