"""Administering accounts: list and search them, disable or enable, grant or revoke admin."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.admin.users_repository import AdminUserRepository
from creative_hub.admin.users_schemas import AdminUserRead, AdminUserUpdate
from creative_hub.kit.errors import Conflict, NotFound
from creative_hub.kit.pagination import decode_cursor, encode_cursor
from creative_hub.kit.time import as_utc, utcnow
from creative_hub.models.user import User


def read(user: User) -> AdminUserRead:
    return AdminUserRead(
        id=user.id,
        email=user.email,
        username=user.username,
        is_active=user.is_active,
        is_superuser=user.is_superuser,
        created_at=as_utc(user.created_at),
    )


class AdminUsersService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = AdminUserRepository(session)

    async def page(
        self, q: str | None, limit: int, cursor: str | None
    ) -> tuple[Sequence[User], str | None, int]:
        q = (q or "").strip() or None
        after = decode_cursor(cursor) if cursor else None
        rows = await self.repo.page(q, limit + 1, after)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
        return rows, next_cursor, await self.repo.count(q)

    async def get(self, user_id: uuid.UUID) -> User:
        user = await self.repo.get(user_id)
        if user is None:
            raise NotFound("No such user.", code="user_not_found")
        return user

    async def update(self, admin: User, user_id: uuid.UUID, data: AdminUserUpdate) -> User:
        user = await self.get(user_id)
        # An administrator cannot lock themselves out (nor leave the hub without one).
        if user.id == admin.id and (data.is_active is False or data.is_superuser is False):
            raise Conflict(
                "You cannot disable your own account or remove your own admin rights; "
                "ask another administrator.",
                code="cannot_change_self",
            )
        if data.is_active is not None:
            user.is_active = data.is_active
        if data.is_superuser is not None:
            user.is_superuser = data.is_superuser
        user.updated_at = utcnow()
        await self.session.flush()
        # Disabled accounts stop at once: sessions, tokens and API keys are all checked
        # against is_active on every request.
        return user
