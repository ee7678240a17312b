from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from creative_hub.db.base import Base
from creative_hub.models.enums import TaskStatus, TaskType, db_enum


class TaskCount(Base):
    """How many tasks a user has of each type and status, kept by database triggers.

    The dashboard and GET /api/tasks/stats read these few rows instead of counting a
    history that may hold 100,000 tasks (migration 0006 has the triggers).
    """

    __tablename__ = "task_counts"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    task_type: Mapped[TaskType] = mapped_column(db_enum(TaskType, "task_type"), primary_key=True)
    status: Mapped[TaskStatus] = mapped_column(db_enum(TaskStatus, "task_status"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
