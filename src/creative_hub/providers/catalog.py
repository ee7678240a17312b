"""Which providers this process offers: the embedded engines, always, as the defaults.

Engines are imported only when first used, so start-up stays fast and a process that
never makes music never loads the music engine.
"""

from __future__ import annotations

import importlib
from typing import cast

from creative_hub.providers.base import Capability, Provider
from creative_hub.providers.registry import Factory, ProviderRegistry
from creative_hub.settings import Settings

LOCAL = "local"

# capability -> (module, class) of the embedded engine.
LOCAL_ENGINES: dict[Capability, tuple[str, str]] = {
    Capability.text: ("creative_hub.providers.local.llama.provider", "LocalTextGenerator"),
    Capability.speech: ("creative_hub.providers.local.speech", "LocalSpeechSynthesizer"),
    Capability.transcription: ("creative_hub.providers.local.whisper", "LocalTranscriber"),
    Capability.music: ("creative_hub.providers.local.music", "LocalMusicGenerator"),
    Capability.sound_effects: ("creative_hub.providers.local.sfx", "LocalSoundEffectGenerator"),
    Capability.image: ("creative_hub.providers.local.storyboard", "StoryboardRenderer"),
    Capability.image_to_video: ("creative_hub.providers.local.ffmpeg", "LocalImageToVideo"),
    Capability.video_compose: ("creative_hub.providers.local.ffmpeg", "LocalVideoComposer"),
}


def _lazy(module: str, name: str) -> Factory:
    def build(settings: Settings) -> Provider:
        cls = getattr(importlib.import_module(module), name)
        return cast(Provider, cls(settings))

    return build


def build_provider_registry(settings: Settings) -> ProviderRegistry:
    registry = ProviderRegistry(settings)
    for capability, (module, name) in LOCAL_ENGINES.items():
        registry.register(capability, LOCAL, _lazy(module, name), default=True)
    return registry
