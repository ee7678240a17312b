from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from creative_hub.models.enums import MessageRole, MessageStatus

MAX_MESSAGE_CHARS = 20_000
MAX_SYSTEM_PROMPT_CHARS = 8_000


class ConversationCreate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200, examples=["Ideas"])
    system_prompt: str = Field(
        default="", max_length=MAX_SYSTEM_PROMPT_CHARS, examples=["You are a concise assistant."]
    )
    model: str | None = Field(
        default=None, max_length=200, examples=["local/smollm2-135m-instruct"],
        description="'<provider>/<model id>'; omitted means the default text model.",
    )  # fmt: skip


class ConversationUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    system_prompt: str | None = Field(default=None, max_length=MAX_SYSTEM_PROMPT_CHARS)
    model: str | None = Field(default=None, max_length=200)


class MessageRead(BaseModel):
    id: uuid.UUID
    role: MessageRole
    content: str
    status: MessageStatus
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    created_at: datetime


class ConversationRead(BaseModel):
    id: uuid.UUID
    title: str
    system_prompt: str
    model: str | None
    created_at: datetime
    updated_at: datetime


class ConversationDetail(ConversationRead):
    messages: list[MessageRead]


class ConversationPage(BaseModel):
    items: list[ConversationRead]
    next_cursor: str | None = None


class MessageCreate(BaseModel):
    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, examples=["Hello!"])
    model: str | None = Field(
        default=None, max_length=200, examples=["local/smollm2-135m-instruct"]
    )
    max_tokens: int = Field(default=512, ge=1, le=4096)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
