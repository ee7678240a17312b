from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from creative_hub.prompts.styles import StyleId, normalise_style
from creative_hub.prompts.templates import Target

MAX_PROMPT_CHARS = 2_000

PromptText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_PROMPT_CHARS)
]
Style = Annotated[
    StyleId | None,
    BeforeValidator(lambda v: normalise_style(v) if isinstance(v, str) else v),
]
Source = Literal["user", "style", "model", "rules"]

_MODEL = Field(
    default=None,
    max_length=200,
    examples=["local/smollm2-135m-instruct"],
    description="'<provider>/<model id>' of a text model to rewrite with; omitted means the "
    "default text model.",
)
_PROMPT = Field(
    description=f"The rough idea, in any language (at most {MAX_PROMPT_CHARS} characters).",
    examples=["a cat in the rain"],
)
_STYLE = Field(
    default=None,
    description="A style preset id (GET /api/prompts/styles). Also accepts 'Pixel Art', 'lo-fi'.",
    examples=["cinematic"],
)


class EnhanceRequest(BaseModel):
    prompt: PromptText = _PROMPT
    target: Target = Field(description="What the prompt is for.", examples=["image"])
    style: Style = _STYLE
    model: str | None = _MODEL

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"prompt": "a cat in the rain", "target": "image", "style": "cinematic"},
                {"prompt": "一首关于毕业的歌", "target": "music"},
            ]
        }
    )


class VariationsRequest(BaseModel):
    prompt: PromptText = _PROMPT
    target: Target = Field(examples=["image"])
    count: int = Field(default=4, ge=1, le=8, description="How many variations (1-8).")
    style: Style = _STYLE
    model: str | None = _MODEL

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"prompt": "a lighthouse", "target": "image", "count": 3}]}
    )


class CritiqueRequest(BaseModel):
    prompt: PromptText = _PROMPT
    target: Target = Field(examples=["image"])
    model: str | None = _MODEL

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"prompt": "a cat", "target": "image"}]}
    )


class ModelReport(BaseModel):
    used_model: bool = Field(
        description="True when some of the result's wording came from the language model; "
        "false when the rules wrote all of it (model unavailable, failed, or its answer did "
        "not pass the checks)."
    )
    model: str | None = Field(
        description="The model that was consulted ('<provider>/<model id>'), or null."
    )
    model_note: str | None = Field(
        default=None, description="Why the model's output is not in the result, when it is not."
    )


class EnhanceResponse(ModelReport):
    prompt: str = Field(description="The enhanced prompt, ready to send to a generator.")
    negative_prompt: str | None = Field(description="What to avoid (image and video only).")
    fields: dict[str, str] = Field(description="The target's structure, every field filled.")
    sources: dict[str, Source] = Field(
        description="Where each field came from: the user's words, the style preset, the "
        "model, or the rules."
    )
    target: Target
    style: StyleId | None = Field(description="The style applied (chosen or named in the idea).")
    language: str = Field(description="The idea's language: en, zh, ja or ko.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prompt": "a cat sitting in the rain, cinematic film still, anamorphic "
                    "widescreen, teal and orange color grade, subtle film grain, dramatic "
                    "low-key lighting with a strong rim light, eye-level medium shot, subject "
                    "centered with breathing room, 200mm telephoto lens, f/2.8, eye-level",
                    "negative_prompt": "blurry, low resolution, watermark, flat lighting",
                    "fields": {
                        "subject": "a cat sitting in the rain",
                        "style": "cinematic film still, anamorphic widescreen, …",
                        "lighting": "dramatic low-key lighting with a strong rim light",
                        "composition": "eye-level medium shot, subject centered …",
                        "camera": "200mm telephoto lens, f/2.8, eye-level",
                    },
                    "sources": {
                        "subject": "model",
                        "style": "style",
                        "lighting": "style",
                        "composition": "rules",
                        "camera": "rules",
                    },
                    "target": "image",
                    "style": "cinematic",
                    "language": "en",
                    "used_model": True,
                    "model": "local/smollm2-135m-instruct",
                    "model_note": None,
                }
            ]
        }
    )


class Variation(BaseModel):
    prompt: str
    negative_prompt: str | None
    fields: dict[str, str]
    sources: dict[str, Source]
    angle: str = Field(description="What this variation changes, in the idea's language.")
    angle_id: str
    changed: list[str] = Field(description="The fields the angle changed.")


class VariationsResponse(ModelReport):
    items: list[Variation]
    target: Target
    style: StyleId | None
    language: str


class CritiqueResponse(ModelReport):
    score: int = Field(ge=0, le=100, description="0 (vague) to 100 (complete and specific).")
    strengths: list[str]
    suggestions: list[str] = Field(description="Specific additions, each with an example.")
    missing: list[str] = Field(description="Names of the target's fields the prompt lacks.")
    target: Target
    language: str
    improved_prompt: str = Field(description="The prompt enhanced (as POST /enhance would).")
    improved_score: int = Field(ge=0, le=100, description="The improved prompt's score.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "score": 14,
                    "strengths": [],
                    "suggestions": [
                        "Describe the subject more specifically: …",
                        'Add lighting: e.g. "soft natural light with gentle shadows" or '
                        '"golden hour backlight".',
                    ],
                    "missing": ["style", "lighting", "composition", "camera"],
                    "target": "image",
                    "language": "en",
                    "improved_prompt": "a cat …, highly detailed digital art, …",
                    "improved_score": 88,
                    "used_model": False,
                    "model": None,
                    "model_note": "The text model is not available.",
                }
            ]
        }
    )


class StyleRead(BaseModel):
    id: StyleId
    name: str
    name_zh: str
    description: str
    targets: dict[Target, dict[str, str]] = Field(
        description="Per target, the fields the style sets (English values)."
    )
    negative_prompt: str = Field(description="Added to image and video negative prompts.")


class StyleList(BaseModel):
    items: list[StyleRead]
    next_cursor: str | None = None
