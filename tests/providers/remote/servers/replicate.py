"""A local Replicate HTTP API: predictions by version or official model, polling, `Prefer:
wait`, cancel; output files served from a separate "delivery" base (replicate.delivery).

Each prediction runs in the background: starting -> processing (tqdm progress in `logs`,
held at the first step while `gate` is closed) -> succeeded | failed | canceled. A
prediction created with `webhook` gets the finished prediction POSTed there, signed the
way Replicate signs webhooks (webhook-id, webhook-timestamp, webhook-signature).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.providers.remote.servers import Faults, png_bytes, tone_pcm, wav_bytes
from tests.providers.remote.servers.comfyui_nodes import mp4_bytes

MUSICGEN_VERSION = "671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb"


@dataclass(frozen=True)
class Model:
    owner: str
    name: str
    version: str
    inputs: dict[str, type | tuple[type, ...]]
    required: tuple[str, ...]
    output: str  # "images" (list of URLs), "video" or "audio" (one URL)
    official: bool = False


MODELS = [
    Model(
        "black-forest-labs",
        "flux-schnell",
        "c846a69991daf4c0e5d016514849d14ee5b2e6846ce6b9d6f21369e564cfe51e",
        {
            "prompt": str,
            "seed": int,
            "num_outputs": int,
            "aspect_ratio": str,
            "output_format": str,
            "num_inference_steps": int,
            "go_fast": bool,
        },
        ("prompt",),
        "images",
        official=True,
    ),
    Model(
        "minimax",
        "video-01",
        "5aa835260ff7f40f4069c41185f72036accf99e29957bb4a3b3a911f3b6c1912",
        {"prompt": str, "first_frame_image": str, "prompt_optimizer": bool},
        ("prompt",),
        "video",
        official=True,
    ),
    Model(
        "meta",
        "musicgen",
        MUSICGEN_VERSION,
        {
            "prompt": str,
            "duration": int,
            "seed": int,
            "model_version": str,
            "output_format": str,
            "normalization_strategy": str,
        },
        (),
        "audio",
    ),
]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"title": title, "detail": detail, "status": status, **extra},
        status_code=status,
        media_type="application/problem+json",
    )


@dataclass
class ReplicateServer:
    api_key: str = "r8_test_replicate_key"
    faults: Faults = field(default_factory=Faults)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    base_url: str = ""  # set once serving: prediction urls
    delivery_base: str = ""  # where output files are said to live (default: base_url)
    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)  # request bodies
    cancels: list[str] = field(default_factory=list)
    prefer: list[str | None] = field(default_factory=list)  # Prefer header of each create
    polls: int = 0
    data_urls: bool = False  # outputs inline as data URLs (sync mode) instead of files
    file_hits: list[str] = field(default_factory=list)
    # (Host header, Authorization header or None) of each file request
    file_auth: list[tuple[str, str | None]] = field(default_factory=list)
    api_auth: list[str | None] = field(default_factory=list)  # Authorization on creates
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    webhook_secret: str = "whsec_" + base64.b64encode(b"fake-replicate-signing-key").decode()
    webhook_deliveries: list[int] = field(default_factory=list)  # the hub's status answers
    _hooks: set[asyncio.Task[None]] = field(default_factory=set)
    _webhooks: dict[str, tuple[str, list[str] | None]] = field(default_factory=dict)
    _runs: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _done: dict[str, asyncio.Event] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gate.set()

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.api_key}"

    async def _fault(self, malformed: Any) -> Response | None:
        fault = self.faults.next()
        if fault and fault.hang:
            await self.faults.hang()
        if fault and fault.status == 429:
            response = problem(
                429,
                "Request was throttled.",
                "Request was throttled. Expected available in 1 second.",
            )
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(fault.retry_after)
            return response
        if fault and fault.status:
            return problem(fault.status, "Internal Server Error", "Something went wrong.")
        if fault and fault.malformed:
            return JSONResponse(malformed, status_code=201 if isinstance(malformed, list) else 200)
        return None

    async def create(self, request: Request) -> Response:
        self.api_auth.append(request.headers.get("authorization"))
        if not self._authorized(request):
            return problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        body = await request.json()
        self.created.append(body)
        self.prefer.append(request.headers.get("prefer"))
        faulty = await self._fault(["not", "a", "prediction"])
        if faulty is not None:
            return faulty
        owner, name = request.path_params.get("owner"), request.path_params.get("name")
        if owner:
            model = next((m for m in MODELS if (m.owner, m.name) == (owner, name)), None)
            if model is None or not model.official:
                return problem(404, "Not found", "The requested resource could not be found.")
        else:
            version = str(body.get("version", ""))
            model = next(
                (m for m in MODELS if version in (m.version, f"{m.owner}/{m.name}:{m.version}")),
                None,
            )
            if model is None:
                return problem(
                    422,
                    "Invalid version or not permitted",
                    "The specified version "
                    "does not exist (or perhaps you don't have permission to use it?)",
                )
        invalid = _validate(model, body.get("input"))
        if invalid:
            return problem(
                422,
                "Input validation failed",
                "".join(f"- input: {d}\n" for d in invalid),
                invalid_fields=[
                    {"type": "invalid", "field": "input", "description": d} for d in invalid
                ],
            )
        pid = uuid.uuid4().hex[:26]
        prediction = {
            "id": pid,
            "model": f"{model.owner}/{model.name}",
            "version": model.version,
            "input": body["input"],
            "logs": "",
            "output": None,
            "data_removed": False,
            "error": None,
            "status": "starting",
            "created_at": _now(),
            "urls": {
                "get": f"{self.base_url}/v1/predictions/{pid}",
                "cancel": f"{self.base_url}/v1/predictions/{pid}/cancel",
                "web": f"https://replicate.com/p/{pid}",
            },
        }
        self.predictions[pid] = prediction
        if body.get("webhook"):
            self._webhooks[pid] = (body["webhook"], body.get("webhook_events_filter"))
        self._done[pid] = asyncio.Event()
        self._runs[pid] = asyncio.create_task(self._run(pid, model))
        prefer = request.headers.get("prefer", "")
        wait = re.fullmatch(r"wait(?:=(\d+))?", prefer.strip())
        if wait:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._done[pid].wait(), float(wait.group(1) or 60))
        return JSONResponse(prediction, status_code=201)

    async def _run(self, pid: str, model: Model) -> None:
        p = self.predictions[pid]
        steps = 4
        try:
            await asyncio.sleep(0)
            p.update(
                status="processing",
                started_at=_now(),
                logs=f"Using seed: {p['input'].get('seed', 1234)}\n",
            )
            for step in range(1, steps + 1):
                bar = "█" * (10 * step // steps)
                p["logs"] += f"{100 * step // steps:3d}%|{bar:<10}| {step}/{steps} [00:01<00:01]\n"
                if step == 1:
                    await self.gate.wait()
                await asyncio.sleep(0)
            if "nsfw" in str(p["input"].get("prompt", "")).lower():
                p.update(
                    status="failed",
                    error="NSFW content detected. Try running it again, or try a different prompt.",
                )
            else:
                p.update(status="succeeded", output=self._outputs(pid, model, p["input"]))
            p.update(completed_at=_now(), metrics={"predict_time": 1.234567, "total_time": 1.5})
        except asyncio.CancelledError:
            p.update(status="canceled", completed_at=_now())
        finally:
            self._done[pid].set()
            hook = self._webhooks.get(pid)
            if hook and (hook[1] is None or "completed" in hook[1]):
                task = asyncio.create_task(self._deliver(hook[0], dict(p)))
                self._hooks.add(task)
                task.add_done_callback(self._hooks.discard)

    def sign(self, msg_id: str, stamp: int, body: bytes) -> str:
        key = base64.b64decode(self.webhook_secret.removeprefix("whsec_"))
        digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
        return "v1," + base64.b64encode(digest).decode()

    async def _deliver(self, url: str, prediction: dict[str, Any]) -> None:
        body = json.dumps(prediction).encode()
        msg_id, stamp = f"msg_{uuid.uuid4().hex}", int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": self.sign(msg_id, stamp, body),
        }
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(url, content=body, headers=headers)
        self.webhook_deliveries.append(response.status_code)

    async def webhook_secret_key(self, request: Request) -> Response:
        if not self._authorized(request):
            return problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        return JSONResponse({"key": self.webhook_secret})

    def _outputs(self, pid: str, model: Model, inputs: dict[str, Any]) -> Any:
        base = self.delivery_base or self.base_url

        def put(name: str, body: bytes, mime: str) -> str:
            if self.data_urls:
                return f"data:{mime};base64,{base64.b64encode(body).decode()}"
            self.files[f"{pid}/{name}"] = (body, mime)
            return f"{base}/pbxt/{pid}/{name}"

        if model.output == "images":
            fmt = str(inputs.get("output_format", "webp"))
            pil = {"webp": "WEBP", "jpg": "JPEG", "png": "PNG"}[fmt]
            return [
                put(f"out-{i}.{fmt}", png_bytes(1024, 1024, i, pil), f"image/{fmt}")
                for i in range(int(inputs.get("num_outputs", 1)))
            ]
        if model.output == "video":
            return put("output.mp4", mp4_bytes(320, 240, 12, 24), "video/mp4")
        seconds = int(inputs.get("duration", 8))
        return put("output.wav", wav_bytes(tone_pcm(seconds, 32000), 32000), "audio/wav")

    async def get(self, request: Request) -> Response:
        if not self._authorized(request):
            return problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        self.polls += 1
        faulty = await self._fault({"id": 7, "status": "sideways"})
        if faulty is not None:
            return faulty
        p = self.predictions.get(request.path_params["pid"])
        if p is None:
            return problem(404, "Not found", "The requested resource could not be found.")
        return JSONResponse(p)

    async def cancel(self, request: Request) -> Response:
        if not self._authorized(request):
            return problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        pid = request.path_params["pid"]
        if pid not in self.predictions:
            return problem(404, "Not found", "The requested resource could not be found.")
        self.cancels.append(pid)
        run = self._runs[pid]
        if not run.done():
            run.cancel()
            await self._done[pid].wait()
        return JSONResponse(self.predictions[pid])

    async def file(self, request: Request) -> Response:
        key = f"{request.path_params['pid']}/{request.path_params['name']}"
        self.file_hits.append(key)
        self.file_auth.append((request.headers["host"], request.headers.get("authorization")))
        if key not in self.files:
            return Response(status_code=404)
        body, mime = self.files[key]
        return Response(body, media_type=mime)

    async def account(self, request: Request) -> Response:
        if not self._authorized(request):
            return problem(401, "Unauthenticated", "You did not pass a valid authentication token")
        return JSONResponse(
            {"type": "user", "username": "tester", "name": "Tester", "github_url": None}
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/predictions", self.create, methods=["POST"]),
                Route("/v1/models/{owner}/{name}/predictions", self.create, methods=["POST"]),
                Route("/v1/predictions/{pid}", self.get),
                Route("/v1/predictions/{pid}/cancel", self.cancel, methods=["POST"]),
                Route("/v1/account", self.account),
                Route("/v1/webhooks/default/secret", self.webhook_secret_key),
                Route("/pbxt/{pid}/{name}", self.file),
            ]
        )

    async def close(self) -> None:
        self.faults.stop.set()
        self.gate.set()
        for run in self._runs.values():
            run.cancel()
        await asyncio.gather(*self._runs.values(), *self._hooks, return_exceptions=True)


def _validate(model: Model, inputs: Any) -> list[str]:
    if not isinstance(inputs, dict):
        return ["input is required"]
    problems = [f"{name} is required" for name in model.required if name not in inputs]
    for name, value in inputs.items():
        kind = model.inputs.get(name)
        if kind is None:
            problems.append(f"Additional property {name} is not allowed")
        elif (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            problems.append(f"{name}: Invalid type.")
    return problems
