"""A local AUTOMATIC1111 WebUI API (`--api`, optionally `--api-auth user:pass`).

txt2img/img2img block until done (one job at a time, like the WebUI's queue lock) while
/sdapi/v1/progress reports the shared state; /sdapi/v1/interrupt ends the job early and the
blocked call still returns 200 with the image so far, as modules/processing.py does.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.providers.remote.servers import Faults, png_bytes

MODELS = [
    {
        "title": "v1-5-pruned-emaonly.safetensors [6ce0161689]",
        "model_name": "v1-5-pruned-emaonly",
        "hash": "6ce0161689",
        "sha256": "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa",
        "filename": "/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors",
        "config": None,
    },
    {
        "title": "sd_xl_base_1.0.safetensors [31e35c80fc]",
        "model_name": "sd_xl_base_1.0",
        "hash": "31e35c80fc",
        "sha256": "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b",
        "filename": "/models/Stable-diffusion/sd_xl_base_1.0.safetensors",
        "config": None,
    },
]
SAMPLERS = ["Euler a", "Euler", "DPM++ 2M", "DDIM"]
FIELDS: dict[str, type | tuple[type, ...]] = {
    "prompt": str,
    "negative_prompt": str,
    "seed": int,
    "sampler_name": str,
    "steps": int,
    "cfg_scale": (int, float),
    "width": int,
    "height": int,
    "batch_size": int,
    "n_iter": int,
    "denoising_strength": (int, float),
    "override_settings": dict,
    "send_images": bool,
    "save_images": bool,
    "init_images": list,
    "styles": list,
    "scheduler": str,
}


@dataclass
class A1111Server:
    auth: tuple[str, str] | None = None  # --api-auth
    faults: Faults = field(default_factory=Faults)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    interrupts: int = 0
    checkpoint: str = MODELS[0]["title"]  # type: ignore[assignment]
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _interrupted: bool = False
    _state: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gate.set()
        self._idle()

    def _idle(self) -> None:
        self._state = {
            "skipped": False,
            "interrupted": False,
            "stopping_generation": False,
            "job": "",
            "job_count": 0,
            "job_timestamp": "0",
            "job_no": 0,
            "sampling_step": 0,
            "sampling_steps": 0,
        }

    def _authorized(self, request: Request) -> bool:
        if self.auth is None:
            return True
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            decoded = base64.b64decode(encoded).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme.lower() == "basic" and tuple(decoded.split(":", 1)) == self.auth

    @staticmethod
    def _unauthorized() -> Response:
        return JSONResponse(
            {"detail": "Incorrect username or password"},
            status_code=401,
            headers={"WWW-Authenticate": "Basic"},
        )

    @staticmethod
    def _exception(status: int, error: str, detail: str, body: str = "") -> Response:
        # modules/api/api.py exception middleware.
        return JSONResponse(
            {"error": error, "detail": detail, "body": body, "errors": detail}, status_code=status
        )

    @staticmethod
    def _invalid(loc: list[Any], msg: str, kind: str) -> Response:
        return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": kind}]}, status_code=422)

    async def generate(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        mode = request.url.path.rsplit("/", 1)[1]
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            return self._invalid(["body"], "Expecting value", "value_error.jsondecode")
        self.requests.append((mode, body))
        fault = self.faults.next()
        if fault and fault.hang:
            await self.faults.hang()
        if fault and fault.status:
            return self._exception(fault.status, "HTTPException", "Service busy")
        for name, kind in FIELDS.items():
            if name in body and body[name] is not None and not isinstance(body[name], kind):
                return self._invalid(["body", name], "value is not a valid type", "type_error")
        if body.get("sampler_name", "Euler") not in SAMPLERS:
            return self._exception(404, "HTTPException", "Sampler not found")
        init = None
        if mode == "img2img":
            if not body.get("init_images"):
                return self._invalid(
                    ["body", "init_images"], "field required", "value_error.missing"
                )
            try:
                init = _decode_image(body["init_images"][0])
            except ValueError as exc:
                return self._exception(500, "ValueError", str(exc))
        checkpoint = (body.get("override_settings") or {}).get("sd_model_checkpoint")
        model = next((m for m in MODELS if checkpoint in (m["title"], m["model_name"])), None)
        model = model or next(m for m in MODELS if m["title"] == self.checkpoint)
        async with self._lock:  # the WebUI runs one job at a time
            images = await self._run(body, init)
        if fault and fault.malformed:
            return JSONResponse({"images": "not-a-list", "info": 42})
        return self._result(body, images, model)

    async def _run(self, body: dict[str, Any], init: tuple[int, int] | None) -> list[str]:
        steps = int(body.get("steps", 50))
        width, height = init or (int(body.get("width", 512)), int(body.get("height", 512)))
        self._interrupted = False
        self._state.update(
            job="txt2img",
            job_count=1,
            job_no=0,
            sampling_steps=steps,
            job_timestamp=time.strftime("%Y%m%d%H%M%S"),
        )
        try:
            for step in range(1, steps + 1):
                if self._interrupted:
                    break
                self._state["sampling_step"] = step
                if step == 1:
                    while not self.gate.is_set() and not self._interrupted:
                        await asyncio.sleep(0.01)
                await asyncio.sleep(0)
            seed = int(body.get("seed", -1))
            count = int(body.get("batch_size", 1)) * int(body.get("n_iter", 1))
            return [
                base64.b64encode(png_bytes(width, height, seed + i)).decode() for i in range(count)
            ]
        finally:
            self._idle()

    def _result(self, body: dict[str, Any], images: list[str], model: dict[str, Any]) -> Response:
        seed = int(body.get("seed", -1))
        seed = 1234567 if seed == -1 else seed
        info = {
            "prompt": body.get("prompt", ""),
            "all_prompts": [body.get("prompt", "")],
            "negative_prompt": body.get("negative_prompt", ""),
            "seed": seed,
            "all_seeds": [seed + i for i in range(len(images))],
            "subseed": 42,
            "all_subseeds": [42],
            "subseed_strength": 0,
            "width": body.get("width", 512),
            "height": body.get("height", 512),
            "sampler_name": body.get("sampler_name", "Euler"),
            "cfg_scale": body.get("cfg_scale", 7.0),
            "steps": body.get("steps", 50),
            "batch_size": body.get("batch_size", 1),
            "restore_faces": False,
            "sd_model_name": model["model_name"],
            "sd_model_hash": model["hash"],
            "denoising_strength": body.get("denoising_strength"),
            "extra_generation_params": {},
            "index_of_first_image": 0,
            "infotexts": [body.get("prompt", "")] * len(images),
            "styles": [],
            "job_timestamp": time.strftime("%Y%m%d%H%M%S"),
            "clip_skip": 1,
            "version": "v1.10.1",
        }
        headers = {"X-Process-Time": "0.01"}
        return JSONResponse(
            {"images": images, "parameters": body, "info": json.dumps(info)}, headers=headers
        )

    async def progress(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        state = dict(self._state)
        total = state["sampling_steps"] or 0
        fraction = state["sampling_step"] / total if total else 0.0
        return JSONResponse(
            {
                "progress": fraction,
                "eta_relative": 0.5 if total else 0.0,
                "state": state,
                "current_image": None,
                "textinfo": None,
            }
        )

    async def interrupt(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        self.interrupts += 1
        self._interrupted = True
        self._state["interrupted"] = True
        return JSONResponse({})

    async def sd_models(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        fault = self.faults.next()
        if fault and fault.status:
            return self._exception(fault.status, "HTTPException", "Service busy")
        return JSONResponse(MODELS)

    async def samplers(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        return JSONResponse([{"name": s, "aliases": [], "options": {}} for s in SAMPLERS])

    async def options(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        if request.method == "POST":
            body = await request.json()
            if "sd_model_checkpoint" in body:
                self.checkpoint = body["sd_model_checkpoint"]
            return JSONResponse(None)
        return JSONResponse({"sd_model_checkpoint": self.checkpoint})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/sdapi/v1/txt2img", self.generate, methods=["POST"], name="txt2img"),
                Route("/sdapi/v1/img2img", self.generate, methods=["POST"], name="img2img"),
                Route("/sdapi/v1/progress", self.progress),
                Route("/sdapi/v1/interrupt", self.interrupt, methods=["POST"]),
                Route("/sdapi/v1/sd-models", self.sd_models),
                Route("/sdapi/v1/samplers", self.samplers),
                Route("/sdapi/v1/options", self.options, methods=["GET", "POST"]),
            ]
        )


def _decode_image(value: str) -> tuple[int, int]:
    """The init image's size; A1111 accepts base64 with or without a data: URL prefix."""
    from PIL import Image

    if value.startswith("data:"):
        value = value.split(",", 1)[1]
    try:
        with Image.open(io.BytesIO(base64.b64decode(value, validate=True))) as image:
            return image.size
    except (binascii.Error, OSError) as exc:
        raise ValueError(f"Invalid encoded image: {exc}") from exc
