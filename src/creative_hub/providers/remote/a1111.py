"""AUTOMATIC1111 / Forge WebUI (`--api`): txt2img, img2img, progress, interrupt, models.

txt2img blocks until the image is done, so progress comes from polling
/sdapi/v1/progress beside it; a cancelled job calls /sdapi/v1/interrupt so the WebUI
stops sampling instead of finishing an image nobody will see.
`--api-auth user:pass` servers: store "user:pass" as the provider's API key (HTTP Basic).
Settings: steps (20), cfg_scale (7), sampler ("Euler a"), progress_interval (1 s),
generation_timeout (600 s).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
from typing import Any

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
from creative_hub.providers.remote.outputs import as_png


def _headers(api_key: str | None) -> dict[str, str]:
    if not api_key:
        return {}
    return {"Authorization": "Basic " + base64.b64encode(api_key.encode()).decode()}


class A1111Images:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def describe(self) -> ProviderInfo:
        return self.conn.info(
            Capability.image, supports={"negative_prompt": True, "image_to_image": True}
        )

    def _body(self, request: ImageRequest) -> dict[str, Any]:
        setting = self.conn.config.setting
        body: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "seed": request.seed if request.seed is not None else -1,
            "width": request.width,
            "height": request.height,
            "steps": int(setting("steps", 20)),
            "cfg_scale": float(setting("cfg_scale", 7.0)),
            "sampler_name": str(setting("sampler", "Euler a")),
            "batch_size": 1,
            "n_iter": 1,
            "send_images": True,
            "save_images": False,
        }
        if request.model:
            body["override_settings"] = {"sd_model_checkpoint": request.model}
            body["override_settings_restore_afterwards"] = True
        return body

    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage:
        return await self._run("sdapi/v1/txt2img", self._body(request), request, progress)

    async def transform(
        self,
        request: ImageRequest,
        image: bytes,
        strength: float = 0.75,
        progress: Progress = no_progress,
    ) -> GeneratedImage:
        """Image to image: `image` redrawn after the prompt; strength 0 keeps it, 1 ignores it."""
        body = {
            **self._body(request),
            "init_images": [base64.b64encode(image).decode()],
            "denoising_strength": strength,
        }
        return await self._run("sdapi/v1/img2img", body, request, progress)

    async def _run(
        self, path: str, body: dict[str, Any], request: ImageRequest, progress: Progress
    ) -> GeneratedImage:
        await progress(0.0, "Queued on the WebUI")
        timeout = float(self.conn.config.setting("generation_timeout", 600))
        watcher = asyncio.create_task(self._watch(progress))
        try:
            data = await self.conn.http.json("POST", path, json=body, call_timeout=timeout)
        except asyncio.CancelledError:
            await asyncio.shield(self._interrupt())
            raise
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        image, seed = self._parse(data)
        return await as_png(image, seed if seed is not None else (request.seed or 0))

    async def _interrupt(self) -> None:
        # Best effort: the job is going away whether or not the WebUI hears it.
        with contextlib.suppress(ProviderError):
            await self.conn.http.request("POST", "sdapi/v1/interrupt", call_timeout=5)

    async def _watch(self, progress: Progress) -> None:
        """Report /sdapi/v1/progress while the generation call blocks."""
        interval = float(self.conn.config.setting("progress_interval", 1.0))
        while True:
            await asyncio.sleep(interval)
            try:
                state = await self.conn.http.json(
                    "GET", "sdapi/v1/progress", params={"skip_current_image": "true"}
                )
            except ProviderError:
                continue  # progress is informative; the generation call reports failures
            if not isinstance(state, dict):
                continue
            fraction = state.get("progress")
            steps = state.get("state") or {}
            if isinstance(fraction, int | float) and fraction > 0:
                step, total = steps.get("sampling_step"), steps.get("sampling_steps")
                message = f"Step {step} of {total}" if step and total else "Drawing"
                await progress(min(0.99, float(fraction)), message)

    def _parse(self, data: Any) -> tuple[bytes, int | None]:
        images = data.get("images") if isinstance(data, dict) else None
        if not isinstance(images, list) or not images or not isinstance(images[0], str):
            raise self.conn.http.malformed("no images in the response")
        encoded = images[0].split(",", 1)[1] if images[0].startswith("data:") else images[0]
        try:
            image = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise self.conn.http.malformed("an image is not base64") from exc
        seed = None
        info = data.get("info")
        if isinstance(info, str):  # a JSON document inside the JSON
            with contextlib.suppress(ValueError):
                parsed = json.loads(info)
                seed = parsed.get("seed") if isinstance(parsed, dict) else None
        return image, seed if isinstance(seed, int) else None


async def list_models(conn: Connection) -> ModelsByCapability:
    data = await conn.http.json("GET", "sdapi/v1/sd-models")
    if not isinstance(data, list):
        raise conn.http.malformed("sd-models is not a list")
    return {
        Capability.image: [
            ModelInfo(str(m["model_name"]), str(m.get("title") or m["model_name"]))
            for m in data
            if isinstance(m, dict) and m.get("model_name")
        ]
    }


async def check(conn: Connection) -> str:
    models = await list_models(conn)
    return f"{len(models[Capability.image])} checkpoints"


SPEC = KindSpec(
    kind="automatic1111",
    label="AUTOMATIC1111 / Forge",
    default_base_url="http://127.0.0.1:7860",
    adapters={Capability.image: A1111Images},
    headers=lambda c: _headers(c.api_key),
    list_models=list_models,
    check=check,
    requires_api_key=False,
)
