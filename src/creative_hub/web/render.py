"""render(): a page or a partial, with the user, locale, CSRF token, theme and translations.

Templates extend `layout`: the full base.html, or partial.html (title + content only) when
htmx asks (HX-Request without HX-Boosted), as ARCHITECTURE.md says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.background import BackgroundTask
from starlette.responses import HTMLResponse, Response

from creative_hub import __version__
from creative_hub.web import i18n, known_text
from creative_hub.web.csrf import csrf_token, set_anon_cookie
from creative_hub.web.theme import THEME_COOKIE, theme_of

TEMPLATES_DIR = Path(__file__).parent / "templates"


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, string: str, /, **variables: Any) -> str:
    """Jinja's newstyle `_()` without its two extra calls and its `%` on every string
    (a history page calls it ~200 times). Same result: Markup when autoescaping, and a
    string with a `%` in it is still formatted, so `%%` still means `%`."""
    text: str = i18n.gettext_(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (our own catalogue, as Jinja does)
    return text % variables if variables or "%" in text else text


def _build_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every template, whatever its extension
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext_,
        i18n.ngettext_,
        newstyle=True,
        pgettext=i18n.pgettext_,
        npgettext=i18n.npgettext_,
    )
    env.globals["gettext"] = env.globals["_"] = _gettext
    # English made outside the web layer (options, labels, progress), in the page's language.
    env.filters["known"] = lambda text: known_text.localize(i18n.current_locale.get(), text or "")
    env.filters["option"] = lambda value: (
        known_text.option_label(i18n.current_locale.get(), str(value)) if value else ""
    )
    env.globals["app_version"] = __version__
    env.globals["languages"] = i18n.LANGUAGES
    return Jinja2Templates(env=env)


templates = _build_templates()


def locale_of(request: Request) -> str:
    cached = getattr(request.state, "locale", None)
    if isinstance(cached, str):
        return cached
    locale = i18n.negotiate(
        request.cookies.get(i18n.LOCALE_COOKIE), request.headers.get("accept-language")
    )
    request.state.locale = locale
    return locale


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def wants_partial(request: Request) -> bool:
    """An htmx request that swaps part of a page (a boosted link wants the whole page)."""
    return is_htmx(request) and request.headers.get("hx-boosted") != "true"


def _(request: Request, message: str) -> str:
    """Translate message for this request's locale (Python-side strings)."""
    return i18n.translate(locale_of(request), message)


def with_toast(
    response: Response, message: str, kind: str = "success", details: str | None = None
) -> Response:
    """Ask app.js for a toast on an htmx answer (an HX-Trigger event; ASCII-safe JSON)."""
    payload = {"toast": {"message": message, "kind": kind, "details": details}}
    response.headers["HX-Trigger"] = json.dumps(payload, ensure_ascii=True)
    return response


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
) -> HTMLResponse:
    locale = locale_of(request)
    values: dict[str, Any] = {
        "request": request,
        "user": getattr(request.state, "page_user", None),
        "locale": locale,
        "html_lang": i18n.LANGUAGES[locale].html_lang,
        "csrf_token": csrf_token(request),
        "theme": theme_of(request.cookies.get(THEME_COOKIE)),
        "layout": "partial.html" if wants_partial(request) else "base.html",
        "nav": None,
    }
    values.update(context or {})
    token = i18n.current_locale.set(locale)
    try:
        # Starlette renders in the constructor, so the locale is set while it renders.
        response: HTMLResponse = templates.TemplateResponse(
            request, template, values, status_code=status, headers=headers, background=background
        )
    finally:
        i18n.current_locale.reset(token)
    response.headers.setdefault("Vary", "HX-Request, Cookie, Accept-Language")
    response.headers.setdefault("Cache-Control", "no-store")
    set_anon_cookie(request, response)
    return response
