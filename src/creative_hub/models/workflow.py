from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creative_hub.db.base import Base, IdMixin, JSONType, TimestampMixin
from creative_hub.models.enums import WorkflowStatus, WorkflowStep, db_enum


class Workflow(IdMixin, TimestampMixin, Base):
    __tablename__ = "workflows"
    __table_args__ = (Index("ix_workflows_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    idea: Mapped[str] = mapped_column(Text, default="")
    # WorkflowOptions as given at creation (template presets merged with overrides).
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # step name -> {"state": pending|queued|running|done|stale|failed|cancelled, "task_id", "error"}
    step_states: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error_code: Mapped[str | None] = mapped_column(String(100), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[WorkflowStatus] = mapped_column(
        db_enum(WorkflowStatus, "workflow_status"), default=WorkflowStatus.draft
    )
    current_step: Mapped[WorkflowStep] = mapped_column(
        db_enum(WorkflowStep, "workflow_step"), default=WorkflowStep.script
    )
    script_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    storyboard_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    images_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    video_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    audio_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    compose_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    asset_urls: Mapped[list[str]] = mapped_column(JSONType, default=list)
    total_duration: Mapped[float | None] = mapped_column(Float, default=None)
