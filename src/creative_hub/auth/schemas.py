from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, EmailStr, Field, field_validator

_USERNAME = re.compile(r"^[\w.-]{3,32}$")
PASSWORD_MIN = 8
PASSWORD_MAX = 256


def _check_password(value: str) -> str:
    if len(value) < PASSWORD_MIN:
        raise ValueError(f"Use at least {PASSWORD_MIN} characters.")
    if len(value) > PASSWORD_MAX:
        raise ValueError(f"Use at most {PASSWORD_MAX} characters.")
    if value.strip() == "" or len(set(value)) < 3:
        raise ValueError("Choose a password that is not just one repeated character.")
    return value


def _check_username(value: str) -> str:
    value = value.strip()
    if not _USERNAME.match(value):
        raise ValueError(
            "Use 3 to 32 letters, digits, '_', '.' or '-' (no spaces) for the username."
        )
    return value.lower()


class RegisterRequest(BaseModel):
    email: EmailStr
    username: str = Field(examples=["ada"])
    password: str = Field(examples=["correct horse battery staple"])

    _username = field_validator("username")(_check_username)
    _password = field_validator("password")(_check_password)


class LoginRequest(BaseModel):
    username: str = Field(description="Username or email.", min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class LogoutRequest(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int


class UserRead(BaseModel):
    id: uuid.UUID
    email: str
    username: str
    is_active: bool
    is_superuser: bool
    created_at: datetime


class UserUpdate(BaseModel):
    email: EmailStr | None = None
    username: str | None = None
    # Changing the password needs the current one.
    current_password: str | None = Field(default=None, max_length=PASSWORD_MAX)
    new_password: str | None = None

    @field_validator("username")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        return None if value is None else _check_username(value)

    @field_validator("new_password")
    @classmethod
    def _password(cls, value: str | None) -> str | None:
        return None if value is None else _check_password(value)


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["my script"])
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class ApiKeyRead(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The full key. It is shown only this once; store it now.")


class CsrfResponse(BaseModel):
    csrf_token: str
