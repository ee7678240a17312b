"""Errors on pages: friendly HTML (a full page, or a fragment for htmx) instead of JSON.

The JSON handlers in kit/handlers.py still answer the API; these wrap them and pick HTML
for requests that are not /api/ and come from a browser or htmx.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creative_hub.auth.service import AuthService
from creative_hub.kit import handlers
from creative_hub.kit.errors import AppError
from creative_hub.kit.logging import request_id_var
from creative_hub.web import known_text
from creative_hub.web.deps import SignInRequired, UserView, sign_in_url
from creative_hub.web.render import _, is_htmx, locale_of, render

log = structlog.get_logger(__name__)

_JSON_ONLY_PREFIXES = ("/api/", "/static/", "/metrics", "/openapi.json", "/docs", "/redoc")


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(_JSON_ONLY_PREFIXES):
        return False
    return is_htmx(request) or "text/html" in request.headers.get("accept", "")


# Titles and messages the error page shows, by status (translated in the template).
_TITLES = {
    400: "That did not work",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    409: "That clashes with something",
    413: "Too large",
    422: "Please check the form",
    429: "Slow down a little",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


_FALLBACK = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Creative Hub</title>'
    '<p>Something went wrong. <a href="/">Go to the dashboard</a>.</p></html>'
)


def error_page(
    request: Request,
    status: int,
    message: str,
    code: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    template = "errors/inline.html" if is_htmx(request) else "errors/error.html"
    context = {
        "status": status,
        # Translated here, not with _() in the template: that would mark the message safe.
        "title": _(request, _TITLES.get(status, "That did not work")),
        # A catalogue entry, else a known service message with its parts (known_text).
        "message": known_text.localize(locale_of(request), _(request, message)),
        "code": code,
        "details": details,
        "request_id": request_id_var.get(),
    }
    # The headers htmx reads to show the error in a toast without parsing HTML.
    extra = {"X-Error-Code": code, **(headers or {})}
    extra.pop("WWW-Authenticate", None)  # the browser must not pop up a login box
    try:
        return render(request, template, context, status=status, headers=extra)
    except Exception:  # the error page itself failed: plain text, never a blank page
        log.exception("error_page_failed", status=status)
        return HTMLResponse(_FALLBACK, status_code=status, headers=extra)


async def app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if not wants_html(request):
        return await handlers.app_error_handler(request, exc)
    return error_page(request, exc.status_code, exc.message, exc.code, exc.details, exc.headers)


async def _remember_user(request: Request) -> None:
    """Unknown addresses run no page dependency: find the signed-in user so the 404 page
    keeps the sidebar. Best effort: the error page renders without it otherwise."""
    runtime = request.app.state.runtime
    cookie = request.cookies.get(runtime.settings.session_cookie_name)
    if not cookie or getattr(request.state, "page_user", None) is not None:
        return
    try:
        async with runtime.sessionmaker() as session:
            found = await AuthService(session, runtime.settings).user_for_session(cookie)
            if found is not None:
                request.state.page_user = UserView.of(found.user)
    except Exception:
        log.warning("error_page_user_lookup_failed", exc_info=True)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not wants_html(request):
        return await handlers.http_error_handler(request, exc)
    if not is_htmx(request):
        await _remember_user(request)
    if exc.status_code == 404:
        message = "There is nothing at this address. It may have moved, or the link is wrong."
    else:
        message = exc.detail if isinstance(exc.detail, str) else "That did not work."
    code = handlers._HTTP_CODES.get(exc.status_code, "http_error")
    return error_page(request, exc.status_code, message, code)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not wants_html(request):
        return await handlers.validation_error_handler(request, exc)
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
    return error_page(
        request, 422, "Some values are missing or invalid.", "validation_error", fields
    )


async def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    target = sign_in_url(exc.next_path)
    if is_htmx(request):
        # htmx follows HX-Redirect with a full navigation.
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def install_page_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(SignInRequired, sign_in_required)


class PageErrorMiddleware:
    """A bug behind a page shows the friendly 500 page (the API keeps its JSON 500,
    answered by RequestContextMiddleware outside this one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            request = Request(scope, receive)
            if started or not wants_html(request):
                raise
            log.error("unhandled_error", path=scope["path"], exc_info=exc)
            message = (
                "Something went wrong on our side; it has been logged. Quote the request "
                "id if you report it."
            )
            response = error_page(request, 500, message, "internal_error")
            await response(scope, receive, watch)
