"""Who is calling: a bearer token (JWT or API key) or the browser session cookie + CSRF."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from creative_hub.auth import security
from creative_hub.auth.service import AuthService, Credential
from creative_hub.auth.throttle import LoginThrottle
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import Forbidden, NotFound, Unauthorized
from creative_hub.models.user import User
from creative_hub.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_auth_service(
    request: Request, session: SessionDep, settings: SettingsDep
) -> AuthService:
    return AuthService(session, settings, request.app.state.runtime.user_cache)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


async def get_login_throttle(request: Request, settings: SettingsDep) -> LoginThrottle:
    return LoginThrottle(request.app.state.runtime.limiter, settings)


LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]


async def _check_csrf(request: Request, session_token: str, key: str) -> None:
    candidate = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not candidate and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        candidate = value if isinstance(value, str) else None
    if not candidate or not security.csrf_matches(session_token, candidate, key):
        raise Forbidden(
            f"Missing or wrong CSRF token: send the {CSRF_HEADER} header from this page.",
            code="csrf_failed",
        )


async def get_credential(request: Request, service: AuthServiceDep) -> Credential:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "Send the token as 'Authorization: Bearer <token>'.", code="invalid_token"
            )
        credential = await service.user_for_bearer(token.strip())
    else:
        cookie = request.cookies.get(service.settings.session_cookie_name)
        if not cookie:
            raise Unauthorized()
        found = await service.user_for_session(cookie)
        if found is None:
            raise Unauthorized("Your session has ended; sign in again.", code="session_expired")
        credential = found
        if request.method not in SAFE_METHODS:
            await _check_csrf(request, cookie, service.settings.signing_key())
    request.state.user_id = credential.user.id
    return credential


CurrentCredential = Annotated[Credential, Depends(get_credential)]


async def get_current_user(credential: CurrentCredential) -> User:
    return credential.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_superuser(user: CurrentUser) -> User:
    if not user.is_superuser:
        # Do not reveal that admin routes exist.
        raise NotFound()
    return user


SuperUser = Annotated[User, Depends(get_superuser)]
