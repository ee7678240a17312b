"""(capability, provider name) -> provider, built lazily from settings, one per process."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple, cast

from creative_hub.kit.errors import BadRequest
from creative_hub.providers.base import (
    Capability,
    ImageGenerator,
    ImageToVideo,
    MusicGenerator,
    Provider,
    ProviderInfo,
    SoundEffectGenerator,
    SpeechSynthesizer,
    TextGenerator,
    Transcriber,
    VideoComposer,
)
from creative_hub.settings import Settings

Factory = Callable[[Settings], Provider]


class Resolved(NamedTuple):
    name: str  # the registry name: what '<provider>/' in a model address means
    provider: Provider
    model: str | None


class ProviderRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._factories: dict[tuple[Capability, str], Factory] = {}
        self._instances: dict[tuple[Capability, str], Provider] = {}
        self._defaults: dict[Capability, str] = {}
        # What a capability falls back to when a remote default goes away: the embedded one.
        self._base_defaults: dict[Capability, str] = {}
        self._health: Callable[[str], str | None] = lambda _name: None

    def register(
        self, capability: Capability, name: str, factory: Factory, *, default: bool = False
    ) -> None:
        self._factories[(capability, name)] = factory
        self._instances.pop((capability, name), None)
        if default or capability not in self._defaults:
            self._defaults[capability] = name
        if default:
            self._base_defaults[capability] = name

    def unregister(self, capability: Capability, name: str) -> None:
        self._factories.pop((capability, name), None)
        self._instances.pop((capability, name), None)
        if self._defaults.get(capability) == name:
            self.reset_default(capability)

    def reset_default(self, capability: Capability) -> None:
        base = self._base_defaults.get(capability)
        if base is not None and (capability, base) in self._factories:
            self._defaults[capability] = base
        else:
            self._defaults.pop(capability, None)

    def set_health_source(self, source: Callable[[str], str | None]) -> None:
        """Where health() looks: the remote providers' circuit breakers."""
        self._health = source

    def health(self, name: str) -> str | None:
        """'closed' (healthy), 'open' or 'half_open' for remote providers; None for local."""
        return self._health(name)

    def set_default(self, capability: Capability, name: str) -> None:
        if (capability, name) not in self._factories:
            raise KeyError(f"no {capability} provider named {name!r}")
        self._defaults[capability] = name

    def names(self, capability: Capability) -> list[str]:
        return [name for (cap, name) in self._factories if cap == capability]

    def default_name(self, capability: Capability) -> str | None:
        return self._defaults.get(capability)

    def get(self, capability: Capability, name: str | None = None) -> Provider:
        name = name or self._defaults.get(capability)
        if name is None or (capability, name) not in self._factories:
            available = ", ".join(self.names(capability)) or "none"
            raise BadRequest(
                f"No {capability.value} provider named {name!r}. Available: {available}.",
                code="unknown_provider",
            )
        key = (capability, name)
        if key not in self._instances:
            self._instances[key] = self._factories[key](self.settings)
        return self._instances[key]

    def describe(self, capability: Capability | None = None) -> list[ProviderInfo]:
        """Every provider's self-description; one that cannot even be built says why."""
        caps = [capability] if capability else list(Capability)
        infos = []
        for cap in caps:
            for name in self.names(cap):
                try:
                    # Listed under the name requests use to address it.
                    infos.append(dataclasses.replace(self.get(cap, name).describe(), name=name))
                except Exception as exc:  # a broken install must not break the listing
                    infos.append(
                        ProviderInfo(
                            name=name,
                            capability=cap,
                            models=(),
                            neural=False,
                            label=name,
                            available=False,
                            unavailable_reason=f"{type(exc).__name__}: {exc}"[:300],
                        )
                    )
        return infos

    def info(self, capability: Capability, name: str | None = None) -> ProviderInfo:
        """A provider's self-description under the name requests address it by."""
        name = name or self._defaults.get(capability)
        return dataclasses.replace(self.get(capability, name).describe(), name=name or "")

    def resolve(self, capability: Capability, model: str | None) -> Resolved:
        """'<provider>/<model id>' (or a bare provider name, or None) -> which provider, model."""
        if not model:
            name = self._defaults.get(capability)
            return Resolved(name or "", self.get(capability), None)
        provider_name, _, model_id = model.partition("/")
        provider = self.get(capability, provider_name)
        if model_id:
            known = {m.id for m in provider.describe().models}
            if known and model_id not in known:
                raise BadRequest(
                    f"{provider_name} has no {capability.value} model {model_id!r}. "
                    f"Available: {', '.join(sorted(known))}.",
                    code="unknown_model",
                )
        return Resolved(provider_name, provider, model_id or None)

    # Typed accessors: callers get the capability's Protocol, not a bare Provider.
    def text(self, name: str | None = None) -> TextGenerator:
        return cast(TextGenerator, self.get(Capability.text, name))

    def image(self, name: str | None = None) -> ImageGenerator:
        return cast(ImageGenerator, self.get(Capability.image, name))

    def image_to_video(self, name: str | None = None) -> ImageToVideo:
        return cast(ImageToVideo, self.get(Capability.image_to_video, name))

    def video_compose(self, name: str | None = None) -> VideoComposer:
        return cast(VideoComposer, self.get(Capability.video_compose, name))

    def speech(self, name: str | None = None) -> SpeechSynthesizer:
        return cast(SpeechSynthesizer, self.get(Capability.speech, name))

    def transcription(self, name: str | None = None) -> Transcriber:
        return cast(Transcriber, self.get(Capability.transcription, name))

    def music(self, name: str | None = None) -> MusicGenerator:
        return cast(MusicGenerator, self.get(Capability.music, name))

    def sound_effects(self, name: str | None = None) -> SoundEffectGenerator:
        return cast(SoundEffectGenerator, self.get(Capability.sound_effects, name))
