from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creative_hub.db.base import Base, IdMixin, TimestampMixin


class Conversation(IdMixin, TimestampMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_updated", "user_id", "updated_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="New chat")
    # True until a title is generated from the first exchange (or the user renames it).
    title_is_default: Mapped[bool] = mapped_column(default=True)
    system_prompt: Mapped[str] = mapped_column(Text, default="")
    # "<provider>/<model id>"; None means the default text provider.
    model: Mapped[str | None] = mapped_column(String(200), default=None)
