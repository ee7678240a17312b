"""CSRF for pages: the token is an HMAC of the session cookie, or, before sign-in, of an
anonymous cookie (so the sign-in and sign-up forms are protected too)."""

from __future__ import annotations

from fastapi import Request, Response

from creative_hub.auth import security
from creative_hub.auth.dependencies import CSRF_FIELD, CSRF_HEADER
from creative_hub.kit.errors import Forbidden
from creative_hub.settings import Settings

ANON_COOKIE = "ch_anon"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


def _bound_token(request: Request) -> str | None:
    """The cookie the CSRF token is bound to: the session, else the anonymous one."""
    settings = _settings(request)
    return (
        request.cookies.get(settings.session_cookie_name)
        or request.cookies.get(ANON_COOKIE)
        or getattr(request.state, "new_anon_token", None)
    )


def csrf_token(request: Request) -> str:
    """The token for forms and the csrf-token meta tag (creates the anonymous cookie)."""
    bound = _bound_token(request)
    if bound is None:
        bound = security.new_token()
        request.state.new_anon_token = bound
    return security.csrf_token_for(bound, _settings(request).signing_key())


def set_anon_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_anon_token", None)
    if token:
        response.set_cookie(
            ANON_COOKIE, token, httponly=True, samesite="lax", path="/",
            secure=_settings(request).secure_cookies,
        )  # fmt: skip


async def verify_csrf(request: Request) -> None:
    """Dependency for unsafe page routes: the X-CSRF-Token header or csrf_token field."""
    candidate = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not candidate and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        candidate = value if isinstance(value, str) else None
    bound = request.cookies.get(_settings(request).session_cookie_name) or request.cookies.get(
        ANON_COOKIE
    )
    if (
        not candidate
        or not bound
        or not security.csrf_matches(bound, candidate, _settings(request).signing_key())
    ):
        raise Forbidden(
            "This form has expired or did not come from this site. Reload the page and try again.",
            code="csrf_failed",
        )
