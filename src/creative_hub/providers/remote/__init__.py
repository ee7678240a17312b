"""Remote and self-hosted providers: one module per kind, sharing http.py and config.py.

Adapters speak each provider's real wire protocol (see PROVIDERS.md) through
ProviderHttp, which owns timeouts, retries, error codes, the circuit breaker and key
redaction; config.py says how a kind registers its adapters.
"""

from creative_hub.providers.remote.config import (
    KIND_MODULES,
    Connection,
    KindSpec,
    ModelsByCapability,
    ProviderConfig,
    available_kinds,
    kind_spec,
)
from creative_hub.providers.remote.http import (
    CONTENT_REJECTED,
    ERROR_CODES,
    INVALID_API_KEY,
    PROVIDER_ERROR,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    HttpPolicy,
    ProviderHttp,
)
from creative_hub.providers.remote.redact import redact
from creative_hub.providers.remote.sse import SseEvent, sse_events

__all__ = [
    "CONTENT_REJECTED",
    "ERROR_CODES",
    "INVALID_API_KEY",
    "KIND_MODULES",
    "PROVIDER_ERROR",
    "PROVIDER_UNAVAILABLE",
    "RATE_LIMITED",
    "Connection",
    "HttpPolicy",
    "KindSpec",
    "ModelsByCapability",
    "ProviderConfig",
    "ProviderHttp",
    "SseEvent",
    "available_kinds",
    "kind_spec",
    "redact",
    "sse_events",
]
