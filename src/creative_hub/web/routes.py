"""The shell's own routes: remembered preferences (theme, language), and the table app.js
uses to translate progress messages that arrive over SSE in English."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from creative_hub.web import i18n, known_text
from creative_hub.web.deps import OptionalPageUser
from creative_hub.web.render import is_htmx, locale_of
from creative_hub.web.theme import THEME_COOKIE, THEMES

router = APIRouter(include_in_schema=False)
_ONE_YEAR = 365 * 24 * 3600


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only paths on this site (no //host or scheme): an open redirect otherwise."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


@router.post("/preferences")
async def preferences(
    request: Request,
    _user: OptionalPageUser,  # checks the CSRF token
    theme: Annotated[str | None, Form()] = None,
    locale: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    target = safe_next(next)
    response: Response = (
        Response(status_code=204) if is_htmx(request) else RedirectResponse(target, 303)
    )
    secure = request.app.state.runtime.settings.secure_cookies
    if theme in THEMES:
        response.set_cookie(THEME_COOKIE, theme, max_age=_ONE_YEAR, samesite="lax", secure=secure)
    if locale in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LOCALE_COOKIE, locale, max_age=_ONE_YEAR, samesite="lax", secure=secure
        )
        if is_htmx(request):
            response.headers["HX-Refresh"] = "true"  # every string on the page changes
    return response


@router.get("/i18n/known-text.json")
async def known_text_table(request: Request) -> Response:
    """known_text's entries in the page's language (no sign-in: nothing in it is private)."""
    response = JSONResponse(known_text.table(locale_of(request)))
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response
