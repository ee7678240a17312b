from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

MAX_PROMPT_CHARS = 2000


class ImageGenerationRequest(BaseModel):
    prompt: str = Field(
        min_length=1, max_length=MAX_PROMPT_CHARS, examples=["A lighthouse at dusk"]
    )
    negative_prompt: str = Field(default="", max_length=MAX_PROMPT_CHARS, examples=["blurry"])
    width: int = Field(default=1024, ge=64, le=2048)
    height: int = Field(default=576, ge=64, le=2048)
    count: int = Field(default=1, ge=1, le=4)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    style: str | None = Field(default=None, max_length=50, examples=["sunset"])
    provider: str | None = Field(default=None, max_length=100)
    model: str | None = Field(
        default=None,
        max_length=200,
        examples=["local/storyboard"],
        description="'<provider>/<model id>'; omitted means the default image provider.",
    )
    # Text typeset on a storyboard frame (the storyboard renderer); defaults to the prompt.
    caption: str | None = Field(default=None, max_length=500)


class UpscaleRequest(BaseModel):
    asset_id: uuid.UUID
    scale: int = Field(default=2, ge=2, le=4)


class GalleryImage(BaseModel):
    asset_id: str
    url: str
    thumbnail_url: str | None = None
    width: int | None = None
    height: int | None = None
    seed: int | None = None


class GalleryItem(BaseModel):
    task_id: uuid.UUID
    task_type: str
    prompt: str | None
    settings: dict[str, Any]
    images: list[GalleryImage]
    created_at: datetime


class Gallery(BaseModel):
    items: list[GalleryItem]
    next_cursor: str | None = None
