"""Every query on users and their credentials."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, false, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.api_key import ApiKey
from creative_hub.models.refresh_token import RefreshToken
from creative_hub.models.user import User
from creative_hub.models.web_session import WebSession

# Names "the first-user check" to PostgreSQL's advisory locks (an arbitrary constant).
_FIRST_USER_LOCK = 0x4348555352  # "CHUSR"


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def by_login(self, login: str) -> User | None:
        login = login.strip().lower()
        stmt = select(User).where(or_(User.email == login, User.username == login))
        return (await self.session.scalars(stmt)).first()

    async def exists(self, *, email: str | None = None, username: str | None = None) -> bool:
        conditions = []
        if email is not None:
            conditions.append(User.email == email.lower())
        if username is not None:
            conditions.append(User.username == username.lower())
        stmt = select(User.id).where(or_(*conditions)).limit(1)
        return (await self.session.scalar(stmt)) is not None

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(User)) or 0)

    async def lock_for_first_user(self) -> None:
        """Hold, until this transaction ends, a lock every first-user check takes."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_USER_LOCK}
            )
        else:
            # SQLite has one writer: an UPDATE (even of no row) makes this transaction it.
            await self.session.execute(update(User).where(false()).values(is_superuser=True))

    def add(self, user: User) -> None:
        self.session.add(user)


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, token: RefreshToken) -> None:
        self.session.add(token)

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        stmt = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        return (await self.session.scalars(stmt)).first()

    async def revoke_if_active(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Revoke one token unless already revoked; False if another request got there first."""
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all(self, user_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, key: ApiKey) -> None:
        self.session.add(key)

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        stmt = select(ApiKey).where(ApiKey.key_hash == key_hash)
        return (await self.session.scalars(stmt)).first()

    async def list_for(self, user_id: uuid.UUID) -> Sequence[ApiKey]:
        stmt = select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at.desc())
        return (await self.session.scalars(stmt)).all()

    async def delete_owned(self, key_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def touch(self, key_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now)
        )


class WebSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, web_session: WebSession) -> None:
        self.session.add(web_session)

    async def by_hash(self, token_hash: str) -> WebSession | None:
        stmt = select(WebSession).where(WebSession.token_hash == token_hash)
        return (await self.session.scalars(stmt)).first()

    async def delete_by_hash(self, token_hash: str) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))

    async def delete_all(self, user_id: uuid.UUID) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.user_id == user_id))
