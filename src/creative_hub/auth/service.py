"""Accounts: registration, sign-in, tokens, API keys and browser sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.auth import security
from creative_hub.auth.repository import (
    ApiKeyRepository,
    RefreshTokenRepository,
    UserRepository,
    WebSessionRepository,
)
from creative_hub.auth.schemas import RegisterRequest, TokenResponse, UserUpdate
from creative_hub.auth.throttle import LoginThrottle
from creative_hub.auth.user_cache import UserCache
from creative_hub.kit.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from creative_hub.kit.time import as_utc, utcnow
from creative_hub.models.api_key import ApiKey
from creative_hub.models.refresh_token import RefreshToken
from creative_hub.models.user import User
from creative_hub.models.web_session import WebSession
from creative_hub.settings import Settings

_API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass
class Credential:
    """Who a request is, and how it proved it (the CSRF check applies to 'session')."""

    user: User
    kind: str  # "access_token" | "api_key" | "session"
    session_token: str | None = None


class AuthService:
    def __init__(
        self, session: AsyncSession, settings: Settings, user_cache: UserCache | None = None
    ) -> None:
        self.session = session
        self.settings = settings
        self.user_cache = user_cache
        self.users = UserRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        self.api_keys = ApiKeyRepository(session)
        self.web_sessions = WebSessionRepository(session)

    # -- users -------------------------------------------------------------------

    async def register(self, data: RegisterRequest, *, superuser: bool | None = None) -> User:
        email = data.email.lower()
        if await self.users.exists(email=email):
            raise Conflict("An account with this email already exists.", code="email_taken")
        if await self.users.exists(username=data.username):
            raise Conflict("This username is taken; choose another.", code="username_taken")
        if superuser is None:
            # The first user administers the hub. Serialise the check with any other
            # registration, or two at once on a fresh install could both count zero.
            await self.users.lock_for_first_user()
            superuser = await self.users.count() == 0
        user = User(
            email=email,
            username=data.username,
            hashed_password=security.hash_password(data.password),
            is_superuser=superuser,
        )
        self.users.add(user)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent registration won the race
            raise Conflict("This email or username is taken.", code="account_exists") from exc
        return user

    async def update(self, user: User, data: UserUpdate, current: Credential) -> User:
        if data.email is not None and data.email.lower() != user.email:
            if await self.users.exists(email=data.email):
                raise Conflict("An account with this email already exists.", code="email_taken")
            user.email = data.email.lower()
        if data.username is not None and data.username != user.username:
            if await self.users.exists(username=data.username):
                raise Conflict("This username is taken; choose another.", code="username_taken")
            user.username = data.username
        if data.new_password is not None:
            if not data.current_password or not security.verify_password(
                data.current_password, user.hashed_password
            ):
                raise BadRequest(
                    "The current password is wrong; enter it to set a new one.",
                    code="invalid_current_password",
                    details={"field": "current_password"},
                )
            user.hashed_password = security.hash_password(data.new_password)
            # A new password signs out every other device.
            now = utcnow()
            await self.refresh_tokens.revoke_all(user.id, now)
            await self.web_sessions.delete_all(user.id)
            if current.kind == "session" and current.session_token:
                await self._add_web_session(user, current.session_token)
        user.updated_at = utcnow()
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise Conflict("This email or username is taken.", code="account_exists") from exc
        return user

    # -- sign-in -------------------------------------------------------------------

    async def authenticate(
        self, login: str, password: str, ip: str, throttle: LoginThrottle
    ) -> User:
        user = await self.users.by_login(login)
        # Failures count against the account, whether it was named by username or email.
        account = f"user:{user.id}" if user else f"login:{login.strip().lower()}"
        await throttle.check(account, ip)
        if not security.verify_password(password, user.hashed_password if user else None):
            await throttle.record_failure(account, ip)
            raise Unauthorized("Wrong username or password.", code="invalid_credentials")
        assert user is not None
        if not user.is_active:
            raise Forbidden(
                "This account is disabled; ask an administrator.", code="account_disabled"
            )
        await throttle.reset_account(account)
        return user

    async def issue_tokens(self, user: User, family_id: uuid.UUID | None = None) -> TokenResponse:
        key = self.settings.signing_key()
        refresh = security.new_token()
        self.refresh_tokens.add(
            RefreshToken(
                user_id=user.id,
                family_id=family_id or uuid.uuid4(),
                token_hash=security.digest(refresh),
                expires_at=utcnow() + timedelta(seconds=self.settings.refresh_token_ttl_seconds),
            )
        )
        await self.session.flush()
        ttl = self.settings.access_token_ttl_seconds
        return TokenResponse(
            access_token=security.create_access_token(user.id, key, ttl),
            refresh_token=refresh,
            expires_in=ttl,
        )

    async def refresh(self, refresh_token: str) -> TokenResponse:
        row = await self.refresh_tokens.by_hash(security.digest(refresh_token))
        now = utcnow()
        if row is None:
            raise Unauthorized(
                "This refresh token is not valid; sign in again.", code="invalid_token"
            )
        if row.revoked_at is not None:
            await self._end_family(row.family_id, now)
        if as_utc(row.expires_at) <= now:
            raise Unauthorized(
                "This refresh token has expired; sign in again.", code="token_expired"
            )
        user = await self.users.get(row.user_id)
        if user is None or not user.is_active:
            raise Unauthorized("This account cannot sign in.", code="invalid_token")
        # Revoke atomically: of two requests racing with one token, only one may rotate it.
        if not await self.refresh_tokens.revoke_if_active(row.id, now):
            await self._end_family(row.family_id, now)
        return await self.issue_tokens(user, family_id=row.family_id)

    async def _end_family(self, family_id: uuid.UUID, now: datetime) -> NoReturn:
        """A rotated token came back: someone kept a copy. End the whole sign-in."""
        await self.refresh_tokens.revoke_family(family_id, now)
        # Commit despite the error below: the revocation must outlive the rollback.
        await self.session.commit()
        raise Unauthorized(
            "This refresh token was already used; sign in again.", code="token_revoked"
        )

    async def logout(self, refresh_token: str | None) -> None:
        if not refresh_token:
            return
        row = await self.refresh_tokens.by_hash(security.digest(refresh_token))
        if row is not None:
            await self.refresh_tokens.revoke_family(row.family_id, utcnow())

    # -- resolving credentials -------------------------------------------------------

    async def user_for_bearer(self, token: str) -> Credential:
        if token.startswith(security.API_KEY_PREFIX):
            key = await self.api_keys.by_hash(security.digest(token))
            now = utcnow()
            if key is None:
                raise Unauthorized(
                    "This API key is not valid or was revoked.", code="invalid_token"
                )
            if key.expires_at is not None and as_utc(key.expires_at) <= now:
                raise Unauthorized("This API key has expired.", code="token_expired")
            if key.last_used_at is None or as_utc(key.last_used_at) < now - _API_KEY_TOUCH_INTERVAL:
                await self.api_keys.touch(key.id, now)
            return Credential(await self._active_user(key.user_id), "api_key")
        try:
            claims = security.decode_access_token(token, self.settings.signing_key())
        except security.AccessTokenExpired:
            raise Unauthorized(
                "The access token has expired; refresh it or sign in again.", code="token_expired"
            ) from None
        if claims is None:
            raise Unauthorized(
                "The access token is invalid or expired; refresh it or sign in again.",
                code="invalid_token",
            )
        try:
            user_id = uuid.UUID(str(claims["sub"]))
        except ValueError as exc:
            raise Unauthorized("The access token is invalid.", code="invalid_token") from exc
        return Credential(await self._active_user(user_id), "access_token")

    async def user_for_session(self, session_token: str) -> Credential | None:
        token_hash = security.digest(session_token)
        seen = self.user_cache.session(token_hash) if self.user_cache else None
        if seen is None:
            row = await self.web_sessions.by_hash(token_hash)
            if row is None:
                return None
            seen = row.user_id, as_utc(row.expires_at)
            if self.user_cache is not None:
                self.user_cache.put_session(token_hash, *seen)
        user_id, expires_at = seen
        if expires_at <= utcnow():
            return None
        user = await self._user(user_id)
        if user is None or not user.is_active:
            return None
        return Credential(user, "session", session_token)

    async def _user(self, user_id: uuid.UUID) -> User | None:
        if self.user_cache is None:
            return await self.users.get(user_id)
        user = await self.user_cache.get(self.session, user_id)
        if user is None:
            user = await self.users.get(user_id)
            if user is not None:
                self.user_cache.put(user)
        return user

    async def _active_user(self, user_id: uuid.UUID) -> User:
        user = await self._user(user_id)
        if user is None or not user.is_active:
            raise Unauthorized(
                "This account no longer exists or is disabled.", code="invalid_token"
            )
        return user

    # -- API keys -----------------------------------------------------------------------

    async def create_api_key(
        self, user: User, name: str, expires_in_days: int | None
    ) -> tuple[ApiKey, str]:
        full, prefix = security.new_api_key()
        expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
        key = ApiKey(
            user_id=user.id,
            name=name,
            prefix=prefix,
            key_hash=security.digest(full),
            expires_at=expires,
        )
        self.api_keys.add(key)
        await self.session.flush()
        return key, full

    async def list_api_keys(self, user: User) -> list[ApiKey]:
        return list(await self.api_keys.list_for(user.id))

    async def delete_api_key(self, user: User, key_id: uuid.UUID) -> None:
        if not await self.api_keys.delete_owned(key_id, user.id):
            raise NotFound("No such API key.", code="api_key_not_found")

    # -- browser sessions -------------------------------------------------------------------

    async def start_web_session(self, user: User) -> str:
        token = security.new_token()
        await self._add_web_session(user, token)
        return token

    async def _add_web_session(self, user: User, token: str) -> None:
        self.web_sessions.add(
            WebSession(
                user_id=user.id,
                token_hash=security.digest(token),
                expires_at=utcnow() + timedelta(seconds=self.settings.session_ttl_seconds),
            )
        )
        await self.session.flush()

    async def end_web_session(self, token: str) -> None:
        await self.web_sessions.delete_by_hash(security.digest(token))


def user_public(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "username": user.username,
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "created_at": as_utc(user.created_at),
    }


def expires(ts: datetime | None) -> datetime | None:
    return as_utc(ts) if ts else None
