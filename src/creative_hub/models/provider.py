from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creative_hub.db.base import Base, IdMixin, JSONType, TimestampMixin


class ProviderRecord(IdMixin, TimestampMixin, Base):
    """A remote or self-hosted provider the admin configured (OpenAI-compatible, ...)."""

    __tablename__ = "providers"

    kind: Mapped[str] = mapped_column(String(32))
    # What '<name>/' means in a model address; unique, never "local".
    name: Mapped[str] = mapped_column(String(40), unique=True)
    base_url: Mapped[str] = mapped_column(String(500))
    # Fernet token of the API key (providers_crypto.py); the key itself is never stored.
    api_key_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    # The last 4 characters of a long key, so admins can tell keys apart.
    api_key_hint: Mapped[str | None] = mapped_column(String(8), default=None)
    enabled: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Capabilities ("text", "image", ...) for which this provider is the default.
    default_for: Mapped[list[str]] = mapped_column(JSONType, default=list)
