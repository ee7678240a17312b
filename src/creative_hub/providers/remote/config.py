"""What remote adapters are built from: a provider record, its kind, and one connection.

A *kind* (openai_compatible, anthropic, comfyui, ...) lives in its own module under
providers/remote/ that defines `SPEC = KindSpec(...)`; KIND_MODULES maps the kind to that
module, which is imported only when a provider of that kind is configured. A kind whose
module is not there yet simply cannot be chosen.

A *provider* is one configured instance of a kind (the admin's record). Its Connection
holds what every adapter of that provider shares: the HTTP client (one pool, one circuit
breaker) and the cached model list.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from creative_hub.events.base import EventBus
from creative_hub.providers.base import Capability, ModelInfo, Provider, ProviderError, ProviderInfo
from creative_hub.providers.remote.circuit import CircuitBreaker, Health
from creative_hub.providers.remote.http import (
    ErrorClassifier,
    HttpPolicy,
    HttpStatusError,
    ProviderHttp,
)
from creative_hub.settings import Settings

log = structlog.get_logger(__name__)

# kind -> module under creative_hub.providers.remote defining SPEC.
KIND_MODULES: dict[str, str] = {
    "openai_compatible": "openai_compat",
    "anthropic": "anthropic",
    "comfyui": "comfyui",
    "automatic1111": "a1111",
    "stability": "stability",
    "replicate": "replicate",
    "elevenlabs": "elevenlabs",
}


@dataclass(frozen=True)
class ProviderConfig:
    """One provider as the admin configured it; api_key is decrypted, in memory only."""

    id: uuid.UUID
    kind: str
    name: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)
    enabled: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)
    default_for: tuple[Capability, ...] = ()
    # Changes whenever the record changes (its updated_at); rebuilds only what changed.
    version: str = ""

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


ModelsByCapability = dict[Capability, list[ModelInfo]]
AdapterFactory = Callable[["Connection"], Provider]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str  # e.g. "OpenAI-compatible"
    default_base_url: str
    # capability -> adapter class/factory taking the provider's Connection
    adapters: Mapping[Capability, AdapterFactory]
    # headers sent on every call (auth, API version)
    headers: Callable[[ProviderConfig], dict[str, str]] = lambda _config: {}
    # models per capability from the provider's own endpoint (cached by Connection)
    list_models: Callable[[Connection], Awaitable[ModelsByCapability]] | None = None
    # "check connection": a cheap call; returns a short summary. Default: list_models.
    check: Callable[[Connection], Awaitable[str]] | None = None
    # provider-specific error mapping before the default one (e.g. 403 = moderation)
    classify: ErrorClassifier | None = None
    requires_api_key: bool = False


def kind_available(kind: str) -> bool:
    module = KIND_MODULES.get(kind)
    if module is None:
        return False
    return importlib.util.find_spec(f"{__package__}.{module}") is not None


def available_kinds() -> list[str]:
    return [kind for kind in KIND_MODULES if kind_available(kind)]


def kind_spec(kind: str) -> KindSpec:
    if not kind_available(kind):
        raise ProviderError("provider_error", f"Provider kind {kind!r} is not available.")
    module = importlib.import_module(f"{__package__}.{KIND_MODULES[kind]}")
    spec: KindSpec = module.SPEC
    return spec


def http_policy(settings: Settings, config: ProviderConfig) -> HttpPolicy:
    return HttpPolicy(
        timeout=float(config.setting("timeout", settings.provider_timeout_seconds)),
        max_retries=int(config.setting("max_retries", settings.provider_max_retries)),
        max_retry_after=settings.provider_max_retry_after_seconds,
        max_download_bytes=int(float(config.setting("max_download_mb", 512)) * 1024 * 1024),
    )


class Connection:
    """A configured provider, live: its HTTP client, health and cached model list."""

    def __init__(
        self,
        config: ProviderConfig,
        spec: KindSpec,
        http: ProviderHttp,
        *,
        models_ttl: float = 300.0,
    ) -> None:
        self.config = config
        self.spec = spec
        self.http = http
        self.models_ttl = models_ttl
        self._models: ModelsByCapability | None = None
        self._models_at = 0.0
        self.models_error: str | None = None
        # The process's event bus, when the manager has one: webhooks wake waiting jobs.
        self.bus: EventBus | None = None

    @classmethod
    def build(cls, config: ProviderConfig, settings: Settings, **http_options: Any) -> Connection:
        spec = kind_spec(config.kind)
        headers = spec.headers(config)
        http = ProviderHttp(
            config.name,
            config.base_url or spec.default_base_url,
            headers=headers,
            secrets=tuple(s for s in (config.api_key,) if s),
            policy=http_policy(settings, config),
            breaker=CircuitBreaker(
                settings.provider_circuit_failures, settings.provider_circuit_cooldown_seconds
            ),
            classify=spec.classify,
            **http_options,
        )
        return cls(config, spec, http, models_ttl=settings.provider_models_ttl_seconds)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def capabilities(self) -> list[Capability]:
        wanted = self.config.setting("capabilities")
        caps = list(self.spec.adapters)
        return [c for c in caps if c.value in wanted] if wanted else caps

    def health(self) -> Health:
        return self.http.breaker.health()

    # -- models -------------------------------------------------------------------------

    def configured_models(self) -> ModelsByCapability | None:
        """settings.models = {"text": ["id", ...], ...} replaces the provider's list."""
        raw = self.config.setting("models")
        if not isinstance(raw, dict):
            return None
        return {
            Capability(cap): [ModelInfo(str(m), str(m)) for m in ids]
            for cap, ids in raw.items()
            if cap in Capability.__members__ and isinstance(ids, list)
        }

    def models(self, capability: Capability) -> tuple[ModelInfo, ...]:
        """Cached; empty until the first fetch (requests then accept any model id). The
        model named in settings (`default_models: {"text": "id"}`) comes first: it is what
        a request without a model gets."""
        configured = self.configured_models()
        source = configured if configured is not None else (self._models or {})
        models = tuple(source.get(capability, ()))
        default = (self.config.setting("default_models") or {}).get(capability.value)
        if default:
            first = [m for m in models if m.id == default] or [ModelInfo(default, default)]
            models = (first[0], *(m for m in models if m.id != default))
        return models

    def models_stale(self) -> bool:
        if self.configured_models() is not None or self.spec.list_models is None:
            return False
        # After a failure, try again sooner than the TTL, but not on every poll.
        wait = self.models_ttl if self._models is not None else min(self.models_ttl, 60.0)
        return self._models_at == 0.0 or time.monotonic() - self._models_at > wait

    async def refresh_models(self) -> ModelsByCapability:
        if self.spec.list_models is None or self.configured_models() is not None:
            return self.configured_models() or {}
        try:
            models = await self.spec.list_models(self)
        except ProviderError as exc:
            self.models_error = exc.message
            self._models_at = time.monotonic()  # do not hammer a failing endpoint
            log.warning("provider_models_failed", provider=self.name, code=exc.code)
            raise
        self._models, self._models_at, self.models_error = models, time.monotonic(), None
        return models

    async def check_models(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """The "check connection" of a kind listing models at `path`: always one call to
        the server, so a provider that is down or refuses the key fails the check even
        when the admin configured `models`. With configured models, any 2xx answer, or a
        404 (the server has no model list, which is why they were configured), means it
        is reachable; 401/403 and connection failures still fail as they would anywhere."""
        configured = self.configured_models()
        if configured is None:
            models = await self.refresh_models()
            return f"{sum(len(v) for v in models.values())} models"
        count = sum(len(v) for v in configured.values())
        try:
            await self.http.request("GET", path, params=dict(params or {}))
        except HttpStatusError as exc:
            if exc.status != 404:
                raise
            return f"reachable (no model list: HTTP 404); {count} configured models"
        return f"reachable; {count} configured models"

    # -- helpers for adapters -----------------------------------------------------------

    def info(
        self,
        capability: Capability,
        *,
        models: tuple[ModelInfo, ...] | None = None,
        supports: dict[str, Any] | None = None,
    ) -> ProviderInfo:
        return ProviderInfo(
            name=self.name,
            capability=capability,
            models=self.models(capability) if models is None else models,
            neural=True,
            label=f"{self.spec.label} ({self.name})",
            local=False,
            supports=supports or {},
        )

    def adapter(self, capability: Capability) -> Provider:
        return self.spec.adapters[capability](self)

    async def aclose(self) -> None:
        await self.http.aclose()
