"""Model lists for the API: every available provider's models, addressed '<provider>/<model>'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from creative_hub.providers.base import Capability
from creative_hub.providers.registry import ProviderRegistry


class ModelEntry(BaseModel):
    id: str = Field(description="'<provider>/<model id>': what requests take as `model`")
    provider: str
    capability: str
    name: str
    label: str
    neural: bool
    local: bool
    default: bool
    context_window: int | None = None
    languages: list[str] = []


class ModelList(BaseModel):
    items: list[ModelEntry]
    next_cursor: str | None = None


def model_list(providers: ProviderRegistry, *capabilities: Capability) -> ModelList:
    return ModelList(items=[m for cap in capabilities for m in _models(providers, cap)])


def _models(providers: ProviderRegistry, capability: Capability) -> list[ModelEntry]:
    default = providers.default_name(capability)
    return [
        ModelEntry(
            id=f"{info.name}/{m.id}",
            provider=info.name,
            capability=capability.value,
            name=m.name,
            label=info.label,
            neural=info.neural,
            local=info.local,
            default=info.name == default and i == 0,
            context_window=m.context_window,
            languages=list(m.languages),
        )
        for info in providers.describe(capability)
        if info.available
        for i, m in enumerate(info.models)
    ]
