from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, model_validator

MAX_SPEECH_CHARS = 5000


class SpeechRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_SPEECH_CHARS, examples=["Hello there."])
    voice: str | None = Field(default=None, max_length=100, examples=["en_US-joe-medium"])
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    language: str | None = Field(default=None, max_length=16, examples=["en", "zh"])
    model: str | None = Field(
        default=None,
        max_length=200,
        description="'<provider>', '<provider>/<voice id>' or '<provider>/<speech model id>' "
        "(e.g. 'openai/tts-1-hd', with `voice`)",
    )


class MusicRequest(BaseModel):
    prompt: str = Field(default="", max_length=1000, examples=["calm piano for a rainy night"])
    mood: str | None = Field(default=None, max_length=50, examples=["calm"])
    duration: float = Field(default=15.0, ge=1.0, le=300.0)
    tempo: int | None = Field(default=None, ge=40, le=220)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    model: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _needs_a_description(self) -> MusicRequest:
        if not self.prompt.strip() and not self.mood:
            raise ValueError("Give a prompt or a mood.")
        return self


class SoundEffectRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=500, examples=["rain on a window"])
    duration: float = Field(default=3.0, ge=0.2, le=30.0)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    model: str | None = Field(default=None, max_length=200)


class TranscriptionRequest(BaseModel):
    asset_id: uuid.UUID
    language: str | None = Field(default=None, max_length=16, examples=["en"])
    model: str | None = Field(default=None, max_length=200)


class MixTrack(BaseModel):
    asset_id: uuid.UUID
    gain_db: float = Field(default=0.0, ge=-60.0, le=12.0)
    offset: float = Field(default=0.0, ge=0.0, le=600.0, description="Seconds from the start")


class MixRequest(BaseModel):
    tracks: list[MixTrack] = Field(min_length=1, max_length=8)
    duration: float | None = Field(
        default=None, gt=0, le=600.0, description="Cut (or pad) to this length; default: longest"
    )
    format: Literal["wav", "mp3"] = "wav"


class VoiceEntry(BaseModel):
    id: str
    name: str
    language: str
    neural: bool
    label: str
    provider: str
    model: str = Field(description="'<provider>/<voice id>': what requests take as `model`")


class VoiceList(BaseModel):
    items: list[VoiceEntry]
    next_cursor: str | None = None
