"""Shapes of /api/admin/users."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class AdminUserRead(BaseModel):
    id: uuid.UUID
    email: str
    username: str
    is_active: bool
    is_superuser: bool
    created_at: datetime


class AdminUserPage(BaseModel):
    items: list[AdminUserRead]
    next_cursor: str | None = None
    total: int = Field(description="Accounts matching the search, on every page.")


class AdminUserUpdate(BaseModel):
    is_active: bool | None = Field(default=None, description="false disables the account")
    is_superuser: bool | None = Field(default=None, description="true makes an administrator")
