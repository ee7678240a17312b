"""Stability AI text-to-image (REST v2beta stable-image/generate: ultra, core, sd3).

The API takes an aspect ratio, not a size: the closest ratio to the asked width x height
is sent and the image comes back at the service's size for it (reported as such).
Bodies are multipart/form-data even without a file, as the API requires.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from creative_hub.providers.base import (
    Capability,
    GeneratedImage,
    ImageRequest,
    ModelInfo,
    Progress,
    ProviderError,
    ProviderInfo,
    no_progress,
)
from creative_hub.providers.remote.config import Connection, KindSpec, ModelsByCapability
from creative_hub.providers.remote.http import CONTENT_REJECTED
from creative_hub.providers.remote.outputs import as_png

SERVICES = ("ultra", "core")
SD3_MODELS = ("sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium", "sd3.5-flash")
ASPECT_RATIOS = ("21:9", "16:9", "3:2", "5:4", "1:1", "4:5", "2:3", "9:16", "9:21")
STYLE_PRESETS = frozenset(
    {
        *("3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art"),
        *("enhance", "fantasy-art", "isometric", "line-art", "low-poly", "modeling-compound"),
        *("neon-punk", "origami", "photographic", "pixel-art", "tile-texture"),
    }
)
MAX_SEED = 4294967294


def aspect_ratio(width: int, height: int) -> str:
    def ratio(r: str) -> float:
        w, h = r.split(":")
        return int(w) / int(h)

    return min(ASPECT_RATIOS, key=lambda r: abs(ratio(r) - width / height))


class StabilityImages:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def describe(self) -> ProviderInfo:
        return self.conn.info(Capability.image, supports={"negative_prompt": True})

    def _form(self, request: ImageRequest, model: str) -> tuple[str, dict[str, str]]:
        fields: dict[str, str] = {
            "prompt": request.prompt,
            "aspect_ratio": aspect_ratio(request.width, request.height),
            "output_format": "png",
        }
        if request.negative_prompt:
            fields["negative_prompt"] = request.negative_prompt
        if request.seed is not None:
            fields["seed"] = str(request.seed % (MAX_SEED + 1))
        if model in SD3_MODELS:
            fields["model"] = model
            return "sd3", fields
        if request.style in STYLE_PRESETS:
            fields["style_preset"] = request.style
        return model, fields

    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage:
        model = request.model or str(self.conn.config.setting("model", "core"))
        if model not in SERVICES and model not in SD3_MODELS:
            raise self.conn.http.error(
                "provider_error", f"no model {model!r}; use one of {', '.join(models())}."
            )
        service, fields = self._form(request, model)
        await progress(0.05, "Drawing with Stability AI")
        response = await self.conn.http.request(
            "POST",
            f"v2beta/stable-image/generate/{service}",
            headers={"Accept": "image/*"},
            # (None, value) parts: form fields, sent as multipart/form-data.
            files={k: (None, v) for k, v in fields.items()},
        )
        image, finish, seed = self._parse(response)
        if finish == "CONTENT_FILTERED":
            raise self.conn.http.error(
                CONTENT_REJECTED,
                "the image was withheld by the content filter (finish_reason CONTENT_FILTERED).",
            )
        await progress(0.95, "Saving the image")
        return await as_png(image, seed if seed is not None else (request.seed or 0))

    def _parse(self, response: httpx.Response) -> tuple[bytes, str, int | None]:
        kind = response.headers.get("content-type", "")
        if kind.startswith("image/"):
            seed = response.headers.get("seed", "")
            return (
                response.content,
                response.headers.get("finish-reason", "SUCCESS"),
                int(seed) if seed.isdigit() else None,
            )
        if kind.startswith("application/json"):  # the JSON form: base64 image
            data: Any = self.conn.http.parse_json(response)
            if isinstance(data, dict) and isinstance(data.get("image"), str):
                try:
                    image = base64.b64decode(data["image"], validate=True)
                except binascii.Error as exc:
                    raise self.conn.http.malformed("image is not base64") from exc
                seed = data.get("seed")
                return (
                    image,
                    str(data.get("finish_reason", "SUCCESS")),
                    (int(seed) if isinstance(seed, int) else None),
                )
        raise self.conn.http.malformed(f"no image in the response ({kind or 'no type'})")


def models() -> list[str]:
    return [*SERVICES, *SD3_MODELS]


async def list_models(_conn: Connection) -> ModelsByCapability:
    # The API has no model list: these are its text-to-image services and SD3 models.
    return {Capability.image: [ModelInfo(m, f"Stable Image {m}") for m in models()]}


async def check(conn: Connection) -> str:
    data = await conn.http.json("GET", "v1/user/balance")
    if not isinstance(data, dict) or "credits" not in data:
        raise conn.http.malformed("no credits in the balance")
    return f"{data['credits']} credits"


def classify(response: httpx.Response, message: str) -> ProviderError | None:
    # Stability answers 403 for content moderation (a bad key is 401).
    if response.status_code == 403:
        return ProviderError(CONTENT_REJECTED, f"{message} (HTTP 403)")
    return None


SPEC = KindSpec(
    kind="stability",
    label="Stability AI",
    default_base_url="https://api.stability.ai",
    adapters={Capability.image: StabilityImages},
    headers=lambda c: {"Authorization": f"Bearer {c.api_key}"} if c.api_key else {},
    list_models=list_models,
    check=check,
    classify=classify,
    requires_api_key=True,
)
