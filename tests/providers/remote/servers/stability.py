"""A local Stability AI REST v2beta: stable-image/generate/{ultra,core,sd3}.

Multipart form bodies only, `Authorization: Bearer`, `Accept: image/*` (raw bytes, headers
finish-reason/seed) or `application/json` (base64); errors `{id, name, errors}`.
A prompt containing one of `filtered_words` comes back with finish_reason CONTENT_FILTERED.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.providers.remote.servers import Faults, png_bytes

ASPECT_RATIOS = {  # ratio -> the size the service returns (about one megapixel)
    "21:9": (1536, 640),
    "16:9": (1344, 768),
    "3:2": (1216, 832),
    "5:4": (1152, 896),
    "1:1": (1024, 1024),
    "4:5": (896, 1152),
    "2:3": (832, 1216),
    "9:16": (768, 1344),
    "9:21": (640, 1536),
}
STYLE_PRESETS = {
    "3d-model",
    "analog-film",
    "anime",
    "cinematic",
    "comic-book",
    "digital-art",
    "enhance",
    "fantasy-art",
    "isometric",
    "line-art",
    "low-poly",
    "modeling-compound",
    "neon-punk",
    "origami",
    "photographic",
    "pixel-art",
    "tile-texture",
}
SD3_MODELS = {"sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium", "sd3.5-flash"}
FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


@dataclass
class StabilityServer:
    api_key: str = "sk-test-stability-key"
    faults: Faults = field(default_factory=Faults)
    filtered_words: tuple[str, ...] = ("forbidden",)
    requests: list[dict[str, Any]] = field(default_factory=list)  # form fields received

    @staticmethod
    def error(status: int, name: str, *errors: str) -> Response:
        return JSONResponse(
            {"id": uuid.uuid4().hex, "name": name, "errors": list(errors)}, status_code=status
        )

    async def generate(self, request: Request) -> Response:
        service = request.path_params["service"]
        if service not in ("ultra", "core", "sd3"):
            return self.error(404, "not_found", f"Unknown endpoint {request.url.path}")
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return self.error(401, "unauthorized", "Missing or invalid API key.")
        fault = self.faults.next()
        if fault and fault.hang:
            await self.faults.hang()
        if fault and fault.status:
            retry = fault.retry_after
            headers = {"Retry-After": str(retry)} if retry is not None else {}
            response = self.error(
                fault.status,
                "rate_limit_exceeded" if fault.status == 429 else "internal_error",
                "You have exceeded the rate limit of 150 requests within a 10 second period.",
            )
            response.headers.update(headers)
            return response
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return self.error(400, "bad_request", "content-type: must be multipart/form-data")
        accept = request.headers.get("accept", "image/*")
        if accept not in ("image/*", "application/json"):
            return self.error(
                400, "bad_request", "accept: must be either image/* or application/json"
            )
        form = await request.form()
        fields = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
        self.requests.append({"service": service, **fields})
        problems = self.check(service, fields, "image" in form)
        if problems:
            return self.error(400, "bad_request", *problems)
        prompt = str(fields["prompt"])
        seed = int(fields.get("seed", 0)) or 987654321
        fmt = str(fields.get("output_format", "png"))
        width, height = ASPECT_RATIOS[str(fields.get("aspect_ratio", "1:1"))]
        finish = "SUCCESS"
        if any(word in prompt.lower() for word in self.filtered_words):
            finish = "CONTENT_FILTERED"  # the service returns a blurred image, still 200
        image = png_bytes(width, height, seed, FORMATS[fmt])
        if fault and fault.malformed:
            return Response(b"<html>gateway</html>", media_type="text/html")
        if accept == "application/json":
            return JSONResponse(
                {"image": base64.b64encode(image).decode(), "finish_reason": finish, "seed": seed}
            )
        return Response(
            image,
            media_type=f"image/{fmt}",
            headers={"finish-reason": finish, "seed": str(seed), "x-request-id": uuid.uuid4().hex},
        )

    @staticmethod
    def check(service: str, fields: dict[str, Any], has_image: bool) -> list[str]:
        problems = []
        prompt = fields.get("prompt")
        if not prompt or len(str(prompt)) > 10000:
            problems.append("prompt: is required and must be 1-10000 characters")
        if len(str(fields.get("negative_prompt", ""))) > 10000:
            problems.append("negative_prompt: must be at most 10000 characters")
        if str(fields.get("aspect_ratio", "1:1")) not in ASPECT_RATIOS:
            problems.append(f"aspect_ratio: must be one of {', '.join(ASPECT_RATIOS)}")
        seed = str(fields.get("seed", "0"))
        if not seed.isdigit() or int(seed) > 4294967294:
            problems.append("seed: must be an integer between 0 and 4294967294")
        formats = {"png", "jpeg"} if service == "sd3" else set(FORMATS)
        if str(fields.get("output_format", "png")) not in formats:
            problems.append(f"output_format: must be one of {', '.join(sorted(formats))}")
        preset = fields.get("style_preset")
        if preset is not None and (service == "sd3" or preset not in STYLE_PRESETS):
            problems.append("style_preset: invalid value")
        if service == "sd3":
            if str(fields.get("model", "sd3.5-large")) not in SD3_MODELS:
                problems.append(f"model: must be one of {', '.join(sorted(SD3_MODELS))}")
            if fields.get("mode", "text-to-image") == "image-to-image" and not has_image:
                problems.append("image: required for image-to-image")
        if has_image and "strength" not in fields:
            problems.append("strength: required when image is provided")
        return problems

    async def balance(self, request: Request) -> Response:
        # GET /v1/user/balance: the cheap authenticated call a connection check can make.
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return self.error(401, "unauthorized", "Missing or invalid API key.")
        return JSONResponse({"credits": 42.5})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v2beta/stable-image/generate/{service}", self.generate, methods=["POST"]),
                Route("/v1/user/balance", self.balance),
            ]
        )
