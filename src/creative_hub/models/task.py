from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creative_hub.db.base import Base, IdMixin, JSONType, TimestampMixin
from creative_hub.models.enums import TaskStatus, TaskType, db_enum


class Task(IdMixin, TimestampMixin, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_user_created", "user_id", "created_at", "id"),
        # Filtered lists come newest first (History filters, the dashboard's running
        # list): each index serves the filter and the order together.
        Index("ix_tasks_user_type_created", "user_id", "task_type", "created_at", "id"),
        Index("ix_tasks_user_status_created", "user_id", "status", "created_at", "id"),
        Index("ix_tasks_status", "status"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    task_type: Mapped[TaskType] = mapped_column(db_enum(TaskType, "task_type"))
    status: Mapped[TaskStatus] = mapped_column(
        db_enum(TaskStatus, "task_status"), default=TaskStatus.queued
    )
    input_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    output_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    output_urls: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The prompt-like text of input_data, lower-cased, for full-text search (FTS5 /
    # pg_trgm); and its CJK bigrams for 2-character terms (see tasks/search.py).
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_grams: Mapped[str] = mapped_column(Text, default="", server_default="")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    progress_message: Mapped[str | None] = mapped_column(String(500), default=None)
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    provider: Mapped[str | None] = mapped_column(String(100), default=None)
    model: Mapped[str | None] = mapped_column(String(200), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # Touched by the worker while it runs the task; a stale one means the worker died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    workflow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflows.id", ondelete="SET NULL"), default=None, index=True
    )
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
