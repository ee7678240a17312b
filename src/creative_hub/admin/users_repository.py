"""Every query the admin users list needs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.user import User

T = TypeVar("T", bound=Any)


class AdminUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    @staticmethod
    def _search(stmt: Select[T], q: str | None) -> Select[T]:
        if q:
            escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            stmt = stmt.where(
                or_(User.username.like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
            )
        return stmt

    async def page(
        self, q: str | None, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[User]:
        """Newest first by (created_at, id): keyset pagination."""
        stmt = self._search(select(User), q)
        if after is not None:
            created, id_ = after
            stmt = stmt.where(
                or_(User.created_at < created, and_(User.created_at == created, User.id < id_))
            )
        stmt = stmt.order_by(User.created_at.desc(), User.id.desc()).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def count(self, q: str | None) -> int:
        stmt = self._search(select(func.count()).select_from(User), q)
        return int(await self.session.scalar(stmt) or 0)

    async def count_active_superusers(self) -> int:
        stmt = (
            select(func.count())
            .select_from(User)
            .where(User.is_superuser.is_(True), User.is_active.is_(True))
        )
        return int(await self.session.scalar(stmt) or 0)
