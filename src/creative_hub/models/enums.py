"""Enumerations stored in the database (native enum types on PostgreSQL)."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum


class TaskType(enum.StrEnum):
    chat = "chat"
    prompt_enhance = "prompt_enhance"
    prompt_variations = "prompt_variations"
    prompt_critique = "prompt_critique"
    image_generation = "image_generation"
    image_upscale = "image_upscale"
    text_to_video = "text_to_video"
    image_to_video = "image_to_video"
    video_compose = "video_compose"
    speech = "speech"
    music = "music"
    sound_effect = "sound_effect"
    transcription = "transcription"
    audio_mix = "audio_mix"
    workflow_step = "workflow_step"


class TaskStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({TaskStatus.succeeded, TaskStatus.failed, TaskStatus.cancelled})


class WorkflowStatus(enum.StrEnum):
    draft = "draft"
    running = "running"
    paused = "paused"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"


class WorkflowStep(enum.StrEnum):
    script = "script"
    storyboard = "storyboard"
    images = "images"
    video = "video"
    audio = "audio"
    compose = "compose"


class MessageRole(enum.StrEnum):
    system = "system"
    user = "user"
    assistant = "assistant"


class MessageStatus(enum.StrEnum):
    complete = "complete"
    streaming = "streaming"
    # The user stopped the reply; the partial text is kept.
    stopped = "stopped"
    failed = "failed"


def db_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store the enum's values (not names); a CHECK-free VARCHAR on SQLite."""
    return Enum(
        enum_cls,
        name=name,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def enum_values(enum_cls: type[enum.Enum]) -> list[Any]:
    return [m.value for m in enum_cls]
