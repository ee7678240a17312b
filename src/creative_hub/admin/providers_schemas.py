"""Provider management shapes. The API key is write-only: never part of a response."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from creative_hub.providers.base import Capability

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class ProviderCreate(BaseModel):
    kind: str = Field(examples=["openai_compatible"], max_length=32)
    name: str = Field(
        pattern=NAME_PATTERN,
        examples=["openai"],
        description="What '<name>/' means in a model address: lower-case letters, digits, - _",
    )
    base_url: str | None = Field(
        default=None,
        max_length=500,
        examples=["http://127.0.0.1:11434/v1"],
        description="Empty: the kind's public endpoint",
    )
    api_key: SecretStr | None = Field(default=None, description="Write-only; stored encrypted")
    enabled: bool = True
    settings: dict[str, Any] = Field(
        default_factory=dict,
        examples=[{"timeout": 60, "models": {"text": ["llama3.2"]}}],
        description="Kind-specific options: timeout, max_retries, models, capabilities, ...",
    )
    default_for: list[Capability] = Field(
        default_factory=list, description="Capabilities this provider is the default for"
    )


class ProviderUpdate(BaseModel):
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    base_url: str | None = Field(default=None, max_length=500)
    api_key: SecretStr | None = Field(
        default=None, description="A new key; null removes the key; omitted keeps it"
    )
    enabled: bool | None = None
    settings: dict[str, Any] | None = None
    default_for: list[Capability] | None = None


class ProviderHealth(BaseModel):
    state: str = Field(description="closed (healthy), open (failing fast) or half_open (probing)")
    consecutive_failures: int
    retry_in_seconds: float | None
    last_error: str | None


class ProviderRead(BaseModel):
    id: uuid.UUID
    kind: str
    name: str
    base_url: str
    enabled: bool
    settings: dict[str, Any]
    default_for: list[str]
    capabilities: list[str]
    has_api_key: bool
    api_key_hint: str | None = Field(description="Last 4 characters of a long key, if any")
    health: ProviderHealth | None = Field(description="Null when disabled or not loaded")
    models_error: str | None = None
    created_at: datetime
    updated_at: datetime


class ProviderList(BaseModel):
    items: list[ProviderRead]
    next_cursor: str | None = None


class ProviderError(BaseModel):
    code: str
    message: str


class ProviderTestResult(BaseModel):
    ok: bool
    latency_ms: float = Field(description="Time the check call took")
    message: str | None = Field(description="What the provider answered, in short")
    error: ProviderError | None = None
