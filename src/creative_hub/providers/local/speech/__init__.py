"""Embedded speech: Piper neural TTS, espeak-ng for languages without a Piper voice."""

from creative_hub.providers.local.speech.synthesizer import (
    MAX_CHARS,
    MAX_SPEED,
    MIN_SPEED,
    LocalSpeechSynthesizer,
)

__all__ = ["MAX_CHARS", "MAX_SPEED", "MIN_SPEED", "LocalSpeechSynthesizer"]
