"""install_web(app): static files (gzipped), page error handlers, security headers, i18n."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles

from creative_hub.web import i18n
from creative_hub.web.errors import PageErrorMiddleware, install_page_error_handlers
from creative_hub.web.headers import SecurityHeadersMiddleware
from creative_hub.web.routes import router as shell_router

STATIC_DIR = Path(__file__).parent / "static"


def install_web(app: FastAPI) -> None:
    """Call before the outer middleware (RequestContextMiddleware) is added, so that
    page errors are rendered inside it, with the request id known."""
    i18n.load_all()
    # Only static files are gzipped: compressing SSE streams would hold events back.
    static = GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=512)
    app.mount("/static", static, name="static")
    install_page_error_handlers(app)
    app.add_middleware(PageErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(shell_router)
