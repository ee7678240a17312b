"""The /api/auth JSON API."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from creative_hub.auth import security
from creative_hub.auth.dependencies import (
    AuthServiceDep,
    CurrentCredential,
    CurrentUser,
    LoginThrottleDep,
)
from creative_hub.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    CsrfResponse,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    TokenResponse,
    UserRead,
    UserUpdate,
)
from creative_hub.auth.service import user_public
from creative_hub.kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    error_responses,
)
from creative_hub.kit.schemas import Page
from creative_hub.kit.time import as_utc

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _key_read(key: object) -> dict[str, object]:
    return {
        "id": key.id,  # type: ignore[attr-defined]
        "name": key.name,  # type: ignore[attr-defined]
        "prefix": key.prefix,  # type: ignore[attr-defined]
        "created_at": as_utc(key.created_at),  # type: ignore[attr-defined]
        "last_used_at": as_utc(key.last_used_at) if key.last_used_at else None,  # type: ignore[attr-defined]
        "expires_at": as_utc(key.expires_at) if key.expires_at else None,  # type: ignore[attr-defined]
    }


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(Conflict),
    summary="Create an account (the first one becomes the administrator)",
)
async def register(data: RegisterRequest, service: AuthServiceDep) -> dict[str, object]:
    return user_public(await service.register(data))


@router.post(
    "/login",
    response_model=TokenResponse,
    responses=error_responses(Unauthorized, Forbidden, TooManyRequests),
    summary="Sign in with username (or email) and password",
)
async def login(
    data: LoginRequest, request: Request, service: AuthServiceDep, throttle: LoginThrottleDep
) -> TokenResponse:
    user = await service.authenticate(data.username, data.password, _client_ip(request), throttle)
    return await service.issue_tokens(user)


@router.post(
    "/refresh",
    response_model=TokenResponse,
    responses=error_responses(Unauthorized),
    summary="Trade a refresh token for a new pair (the old one stops working)",
)
async def refresh(data: RefreshRequest, service: AuthServiceDep) -> TokenResponse:
    return await service.refresh(data.refresh_token)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a refresh token (and every token rotated from it)",
)
async def logout(data: LogoutRequest, service: AuthServiceDep) -> Response:
    await service.logout(data.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserRead, responses=error_responses(Unauthorized))
async def me(user: CurrentUser) -> dict[str, object]:
    return user_public(user)


@router.patch(
    "/me",
    response_model=UserRead,
    responses=error_responses(BadRequest, Unauthorized, Conflict),
    summary="Change email, username or password (a new password needs the current one)",
)
async def update_me(
    data: UserUpdate, credential: CurrentCredential, service: AuthServiceDep
) -> dict[str, object]:
    return user_public(await service.update(credential.user, data, credential))


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=error_responses(Unauthorized),
    summary="Create an API key; the response is the only time the key is shown",
)
async def create_api_key(
    data: ApiKeyCreate, user: CurrentUser, service: AuthServiceDep
) -> dict[str, object]:
    key, full = await service.create_api_key(user, data.name, data.expires_in_days)
    return {**_key_read(key), "key": full}


@router.get("/api-keys", response_model=Page[ApiKeyRead], responses=error_responses(Unauthorized))
async def list_api_keys(user: CurrentUser, service: AuthServiceDep) -> dict[str, object]:
    return {"items": [_key_read(k) for k in await service.list_api_keys(user)], "next_cursor": None}


@router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(Unauthorized, NotFound),
)
async def delete_api_key(key_id: uuid.UUID, user: CurrentUser, service: AuthServiceDep) -> Response:
    await service.delete_api_key(user, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- browser session (the pages use these; the cookie is HttpOnly, SameSite=Lax) --------


@router.post(
    "/session",
    responses=error_responses(Unauthorized, Forbidden, TooManyRequests),
    summary="Sign in the browser: sets the session cookie and returns the CSRF token",
)
async def start_session(
    data: LoginRequest,
    request: Request,
    response: Response,
    service: AuthServiceDep,
    throttle: LoginThrottleDep,
) -> dict[str, object]:
    user = await service.authenticate(data.username, data.password, _client_ip(request), throttle)
    token = await service.start_web_session(user)
    settings = service.settings
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=settings.session_ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return {
        "user": UserRead(**user_public(user)).model_dump(mode="json"),
        "csrf_token": security.csrf_token_for(token, settings.signing_key()),
    }


@router.get("/csrf", response_model=CsrfResponse, responses=error_responses(Unauthorized))
async def csrf(credential: CurrentCredential, service: AuthServiceDep) -> CsrfResponse:
    if credential.session_token is None:
        raise BadRequest("CSRF tokens belong to browser sessions.", code="no_session")
    return CsrfResponse(
        csrf_token=security.csrf_token_for(credential.session_token, service.settings.signing_key())
    )


@router.delete(
    "/session",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(Unauthorized, Forbidden),
    summary="Sign out the browser (needs the CSRF token)",
)
async def end_session(credential: CurrentCredential, service: AuthServiceDep) -> Response:
    if credential.session_token:
        await service.end_web_session(credential.session_token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(service.settings.session_cookie_name, path="/")
    return response
