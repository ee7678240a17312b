"""create_app(): routers, middleware, error handlers and the lifespan that owns the runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from creative_hub import __version__, jobs  # noqa: F401  (registers job handlers)
from creative_hub.admin.providers_endpoints import router as admin_providers_router
from creative_hub.admin.providers_pages import router as admin_providers_pages
from creative_hub.admin.users_endpoints import router as admin_users_router
from creative_hub.admin.users_pages import router as admin_pages
from creative_hub.assets.endpoints import router as assets_router
from creative_hub.audio.endpoints import router as audio_router
from creative_hub.audio.pages import router as audio_pages
from creative_hub.auth.endpoints import router as auth_router
from creative_hub.auth.pages import router as auth_pages
from creative_hub.auth.security import configure_password_hashing
from creative_hub.chat.endpoints import router as chat_router
from creative_hub.chat.pages import router as chat_pages
from creative_hub.chat.replies import recover_interrupted
from creative_hub.dashboard.endpoints import router as dashboard_router
from creative_hub.dashboard.pages import router as dashboard_pages
from creative_hub.images.endpoints import router as images_router
from creative_hub.images.pages import router as images_pages
from creative_hub.kit.gc_tuning import tune_garbage_collector
from creative_hub.kit.handlers import install_error_handlers
from creative_hub.kit.logging import configure_logging
from creative_hub.kit.middleware import BodyLimitMiddleware, RequestContextMiddleware
from creative_hub.kit.openapi import install_openapi
from creative_hub.prompts.endpoints import router as prompts_router
from creative_hub.prompts.pages import router as prompts_pages
from creative_hub.providers.remote.replicate_webhook import router as replicate_webhook_router
from creative_hub.runtime import build_runtime
from creative_hub.settings import Settings, get_settings
from creative_hub.system.endpoints import router as system_router
from creative_hub.system.metrics import Metrics
from creative_hub.tasks.endpoints import router as tasks_router
from creative_hub.tasks.pages import router as history_pages
from creative_hub.tasks.registry import HandlerRegistry
from creative_hub.videos.endpoints import router as videos_router
from creative_hub.videos.pages import router as videos_pages
from creative_hub.web.setup import install_web
from creative_hub.workflows.endpoints import router as workflows_router
from creative_hub.workflows.pages import router as workflows_pages
from creative_hub.workflows.recovery import settle_interrupted

OPENAPI_TAGS = [
    {"name": "system", "description": "Version, health, readiness."},
    {"name": "auth", "description": "Accounts, tokens, API keys and browser sessions."},
    {
        "name": "history",
        "description": "Every task you ran: filter, search, retry, cancel, delete.",
    },
    {"name": "assets", "description": "Upload files and stream the files you own."},
    {"name": "chat", "description": "Conversations with a language model, streamed."},
    {"name": "prompts", "description": "Prompt expert: enhance, variations, critique, styles."},
    {"name": "images", "description": "Generate and upscale images."},
    {"name": "videos", "description": "Text to video, image to video, composition."},
    {"name": "audio", "description": "Speech, music, sound effects, transcription, mixing."},
    {
        "name": "workflows",
        "description": "Idea to finished video in six editable steps: script, storyboard, "
        "images, video, audio, compose.",
    },
    {"name": "dashboard", "description": "Everything at a glance."},
    {"name": "admin", "description": "Superusers only: users and providers."},
    {"name": "providers", "description": "Callbacks from remote providers (Replicate)."},
]


def create_app(
    settings: Settings | None = None,
    *,
    handlers: HandlerRegistry | None = None,
    tune_gc: bool = False,
) -> FastAPI:
    """tune_gc: the served process's collector settings (kit/gc_tuning.py); not for tests,
    which start hundreds of apps in one process."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.json_logs)
    configure_password_hashing(settings.argon2_time_cost, settings.argon2_memory_kib)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings, handlers)
        app.state.runtime = runtime
        settings.signing_key()  # create the key file before concurrent requests need it
        await runtime.start(recover=settings.recover_on_start)
        if settings.recover_on_start and settings.queue_backend == "inline":
            await recover_interrupted(runtime)
        if settings.recover_on_start:
            await settle_interrupted(runtime)
        if tune_gc:
            tune_garbage_collector()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title="Creative Hub",
        version=__version__,
        description="Self-hostable AI creative studio: one JSON API for chat, prompts, "
        "images, video, audio, history and workflows.",
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
    )
    app.state.metrics = Metrics()
    install_error_handlers(app)
    install_openapi(app)
    install_web(app)  # pages: before the outer middleware below, so it wraps them
    app.add_middleware(
        BodyLimitMiddleware,
        json_limit=settings.max_json_body_bytes,
        upload_limit=settings.max_upload_bytes,
    )
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    for router in (
        system_router,
        auth_router,
        tasks_router,
        assets_router,
        chat_router,
        dashboard_router,
        images_router,
        audio_router,
        videos_router,
        prompts_router,
        workflows_router,
        admin_providers_router,
        admin_users_router,
        replicate_webhook_router,
    ):
        app.include_router(router)
    # Pages (HTML): one router per feature package, same services as the JSON API.
    for page_router in (
        auth_pages,
        dashboard_pages,
        chat_pages,
        prompts_pages,
        images_pages,
        videos_pages,
        audio_pages,
        history_pages,
        workflows_pages,
        admin_pages,
        admin_providers_pages,
    ):
        app.include_router(page_router)
    return app
