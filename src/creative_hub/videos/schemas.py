from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, model_validator

Motion = Literal["zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "static"]
MAX_PIXELS = 1920 * 1080


class Frame(BaseModel):
    width: int = Field(default=1280, ge=64, le=1920)
    height: int = Field(default=720, ge=64, le=1920)
    fps: int = Field(default=30, ge=1, le=60)

    @model_validator(mode="after")
    def _encodable(self) -> Frame:
        if self.width % 2 or self.height % 2:
            raise ValueError("width and height must be even (H.264 needs even sides).")
        if self.width * self.height > MAX_PIXELS:
            raise ValueError("The frame may not be larger than 1920x1080 pixels.")
        return self


class TextToVideoRequest(Frame):
    prompt: str = Field(min_length=1, max_length=2000, examples=["Waves on a quiet beach"])
    duration: float = Field(default=5.0, ge=1.0, le=30.0)
    motion: Motion = "zoom_in"
    style: str | None = Field(default=None, max_length=50)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    model: str | None = Field(default=None, max_length=200, description="The image model")


class ImageToVideoRequest(Frame):
    asset_id: uuid.UUID
    motion: Motion = "zoom_in"
    duration: float = Field(default=5.0, ge=0.5, le=60.0)
    model: str | None = Field(default=None, max_length=200)


class ComposeAudio(BaseModel):
    asset_id: uuid.UUID
    role: Literal["narration", "music", "effect"] = "narration"
    gain_db: float = Field(default=0.0, ge=-60.0, le=12.0)
    offset: float = Field(default=0.0, ge=0.0, le=600.0)


class Cue(BaseModel):
    start: float = Field(ge=0.0, le=3600.0)
    end: float = Field(ge=0.0, le=3600.0)
    text: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _ordered(self) -> Cue:
        if self.end <= self.start:
            raise ValueError("A subtitle must end after it starts.")
        return self


class ComposeRequest(Frame):
    visuals: list[uuid.UUID] = Field(
        min_length=1, max_length=60, description="Images and/or video clips, in order"
    )
    audio: list[ComposeAudio] = Field(default_factory=list, max_length=8)
    subtitles: list[Cue] = Field(default_factory=list, max_length=2000)
    subtitles_asset_id: uuid.UUID | None = Field(
        default=None, description="An SRT or WebVTT file you uploaded, instead of `subtitles`"
    )
    burn_subtitles: bool = False
    image_duration: float = Field(default=4.0, ge=1.0, le=60.0)
    crossfade: float = Field(default=0.5, ge=0.0, le=2.0)
    duck_music: bool = True

    @model_validator(mode="after")
    def _one_subtitle_source(self) -> ComposeRequest:
        if self.subtitles and self.subtitles_asset_id:
            raise ValueError("Give `subtitles` or `subtitles_asset_id`, not both.")
        if self.crossfade >= self.image_duration:
            raise ValueError("crossfade must be shorter than image_duration.")
        return self
