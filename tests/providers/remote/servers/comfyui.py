"""A local ComfyUI: /prompt, /history, /view, /upload/image, /queue, /interrupt, /ws.

Runs prompts one at a time like ComfyUI's single executor, sending the websocket events
of PROVIDERS.md §3 to the submitting client_id, and writes history as execution.py does.
`gate` holds a sampler after its first step, so a test can see progress and cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.providers.remote.servers import Faults, png_bytes
from tests.providers.remote.servers.comfyui_nodes import (
    CHECKPOINTS,
    flac_bytes,
    mp4_bytes,
    object_info,
    order,
    validate,
)


@dataclass
class Job:
    prompt_id: str
    number: int
    prompt: dict[str, Any]
    client_id: str | None
    extra_data: dict[str, Any]
    outputs_to_execute: list[str]

    def item(self) -> list[Any]:
        return [self.number, self.prompt_id, self.prompt, self.extra_data, self.outputs_to_execute]


@dataclass
class ComfyUIServer:
    faults: Faults = field(default_factory=Faults)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    websocket_enabled: bool = True
    # Statuses the next websocket upgrades are refused with (503: a proxy's "busy").
    websocket_refusals: list[int] = field(default_factory=list)
    websocket_attempts: int = 0
    # A node class that raises when it runs (execution_error, as a missing model would).
    failing_class: str | None = None
    # While clear, prompts wait in the queue (as behind another user's prompt).
    queue_open: asyncio.Event = field(default_factory=asyncio.Event)
    pending: list[Job] = field(default_factory=list)
    running: Job | None = None
    history: dict[str, Any] = field(default_factory=dict)
    files: dict[tuple[str, str, str], bytes] = field(default_factory=dict)  # (type, sub, name)
    sockets: dict[str, WebSocket] = field(default_factory=dict)
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    queue_deletes: list[str] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)  # bodies POSTed to /prompt
    # /view answers with these bytes instead of the file (a runaway output), and/or only
    # after this many seconds (a slow download).
    view_body: bytes | None = None
    view_delay: float = 0.0
    _interrupted: asyncio.Event = field(default_factory=asyncio.Event)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _counter: int = 0
    _number: int = 0

    def __post_init__(self) -> None:
        self.gate.set()  # open unless a test closes it
        self.queue_open.set()

    # -- websocket events ------------------------------------------------------------

    async def send(self, client_id: str | None, kind: str, data: dict[str, Any]) -> None:
        targets = [self.sockets[client_id]] if client_id in self.sockets else []
        if kind == "status":  # broadcast, like PromptServer.send_sync(sid=None)
            targets = list(self.sockets.values())
        for ws in targets:
            with contextlib.suppress(Exception):
                await ws.send_text(json.dumps({"type": kind, "data": data}))

    def status(self) -> dict[str, Any]:
        remaining = len(self.pending) + (1 if self.running else 0)
        return {"status": {"exec_info": {"queue_remaining": remaining}}}

    # -- the executor ------------------------------------------------------------------

    async def worker(self) -> None:
        while True:
            while not self.pending:
                self._wake.clear()
                await self._wake.wait()
            await self.queue_open.wait()
            job = self.running = self.pending.pop(0)
            self._interrupted.clear()
            try:
                await self.execute(job)
            finally:
                self.running = None
                await self.send(None, "status", self.status())

    async def execute(self, job: Job) -> None:
        pid, cid, prompt = job.prompt_id, job.client_id, job.prompt
        messages: list[list[Any]] = []

        async def event(kind: str, data: dict[str, Any]) -> None:
            if kind.startswith("execution_"):
                messages.append([kind, data])
            await self.send(cid, kind, data)

        now = int(time.time() * 1000)
        await event("execution_start", {"prompt_id": pid, "timestamp": now})
        await event("execution_cached", {"nodes": [], "prompt_id": pid, "timestamp": now})
        outputs: dict[str, Any] = {}
        executed: list[str] = []
        for node_id in order(prompt):
            node = prompt[node_id]
            await self.send(
                cid, "executing", {"node": node_id, "display_node": node_id, "prompt_id": pid}
            )
            if node["class_type"] == "KSampler" and not await self.sample(job, node_id):
                await event(
                    "execution_interrupted",
                    {
                        "prompt_id": pid,
                        "node_id": node_id,
                        "node_type": "KSampler",
                        "executed": executed,
                        "timestamp": int(time.time() * 1000),
                    },
                )
                self.write_history(job, outputs, messages, "error", completed=False)
                await self.send(cid, "executing", {"node": None, "prompt_id": pid})
                return
            if node["class_type"] == self.failing_class:
                error = {"prompt_id": pid, "node_id": node_id, "node_type": node["class_type"],
                         "executed": executed, "exception_message": "CUDA out of memory.",
                         "exception_type": "torch.OutOfMemoryError", "traceback": [],
                         "current_inputs": {}, "current_outputs": {}}  # fmt: skip
                await event("execution_error", error)
                self.write_history(job, outputs, messages, "error", completed=False)
                await self.send(cid, "executing", {"node": None, "prompt_id": pid})
                return
            output = self.output_of(job, node_id)
            if output is not None:
                outputs[node_id] = output
                await self.send(
                    cid,
                    "executed",
                    {"node": node_id, "display_node": node_id, "output": output, "prompt_id": pid},
                )
            executed.append(node_id)
        await event("execution_success", {"prompt_id": pid, "timestamp": int(time.time() * 1000)})
        self.write_history(job, outputs, messages, "success", completed=True)
        # main.py sends the final "executing node:null" after history is written.
        await self.send(cid, "executing", {"node": None, "prompt_id": pid})

    async def sample(self, job: Job, node_id: str) -> bool:
        steps = int(job.prompt[node_id]["inputs"]["steps"])
        for step in range(1, steps + 1):
            if self._interrupted.is_set():
                return False
            await self.send(
                job.client_id,
                "progress",
                {"value": step, "max": steps, "prompt_id": job.prompt_id, "node": node_id},
            )
            if step == 1 and not self.gate.is_set():
                waiters = [
                    asyncio.ensure_future(self.gate.wait()),
                    asyncio.ensure_future(self._interrupted.wait()),
                ]
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                for w in waiters:
                    w.cancel()
            await asyncio.sleep(0)
        return not self._interrupted.is_set()

    def _source(self, prompt: dict[str, Any], node_id: str, cls: str) -> dict[str, Any] | None:
        """The nearest upstream node of class `cls` (where sizes and lengths come from)."""
        seen, stack = set(), [node_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in prompt:
                continue
            seen.add(current)
            node = prompt[current]
            if node["class_type"] == cls:
                return dict(node["inputs"])
            stack.extend(v[0] for v in node["inputs"].values() if isinstance(v, list))
        return None

    def _save(self, prefix: str, ext: str, body: bytes) -> dict[str, str]:
        subfolder, _, stem = prefix.rpartition("/")
        self._counter += 1
        name = f"{stem}_{self._counter:05}_.{ext}"
        self.files[("output", subfolder, name)] = body
        return {"filename": name, "subfolder": subfolder, "type": "output"}

    def output_of(self, job: Job, node_id: str) -> dict[str, Any] | None:
        node = job.prompt[node_id]
        inputs, cls = node["inputs"], node["class_type"]
        if cls == "SaveImage":
            latent = self._source(job.prompt, node_id, "EmptyLatentImage") or {}
            seed = int((self._source(job.prompt, node_id, "KSampler") or {}).get("seed", 0))
            w, h = int(latent.get("width", 512)), int(latent.get("height", 512))
            images = [
                self._save(inputs["filename_prefix"], "png", png_bytes(w, h, seed + i))
                for i in range(int(latent.get("batch_size", 1)))
            ]
            return {"images": images}
        if cls == "SaveAudio":
            latent = self._source(job.prompt, node_id, "EmptyLatentAudio") or {}
            body = flac_bytes(float(latent.get("seconds", 1.0)))
            return {"audio": [self._save(inputs["filename_prefix"], "flac", body)]}
        if cls == "SaveVideo":
            cond = self._source(job.prompt, node_id, "SVD_img2vid_Conditioning") or {}
            fps = int((self._source(job.prompt, node_id, "CreateVideo") or {}).get("fps", 6))
            body = mp4_bytes(
                int(cond.get("width", 256)),
                int(cond.get("height", 256)),
                int(cond.get("video_frames", 14)),
                fps,
            )
            return {
                "images": [self._save(inputs["filename_prefix"], "mp4", body)],
                "animated": [True],
            }
        return None

    def write_history(
        self,
        job: Job,
        outputs: dict[str, Any],
        messages: list[list[Any]],
        status: str,
        completed: bool,
    ) -> None:
        self.history[job.prompt_id] = {
            "prompt": job.item(),
            "outputs": outputs,
            "status": {"status_str": status, "completed": completed, "messages": messages},
            "meta": {
                n: {"node_id": n, "display_node": n, "parent_node": None, "real_node_id": n}
                for n in outputs
            },
        }

    # -- HTTP ---------------------------------------------------------------------------

    async def post_prompt(self, request: Request) -> Response:
        body = await request.json()
        self.prompts.append(body)
        fault = self.faults.next()
        if fault and fault.hang:
            await self.faults.hang()
        if fault and fault.status:
            return JSONResponse(
                {
                    "error": {
                        "type": "server_error",
                        "message": "busy",
                        "details": "",
                        "extra_info": {},
                    },
                    "node_errors": {},
                },
                status_code=fault.status,
            )
        if fault and fault.malformed:
            return JSONResponse({"number": 0})
        if "prompt" not in body:
            return JSONResponse(
                {
                    "error": {
                        "type": "no_prompt",
                        "message": "No prompt provided",
                        "details": "No prompt provided",
                        "extra_info": {},
                    },
                    "node_errors": {},
                },
                status_code=400,
            )
        inputs = [name for (kind, _, name) in self.files if kind == "input"]
        problem = validate(body["prompt"], inputs)
        if problem:
            return JSONResponse(problem, status_code=400)
        prompt_id = str(body.get("prompt_id") or uuid.uuid4())
        self._number += 1
        outputs = [
            i
            for i, n in body["prompt"].items()
            if n["class_type"] in ("SaveImage", "SaveAudio", "SaveVideo")
        ]
        self.pending.append(
            Job(
                prompt_id,
                self._number,
                body["prompt"],
                body.get("client_id"),
                body.get("extra_data", {}),
                outputs,
            )
        )
        self._wake.set()
        await self.send(None, "status", self.status())
        return JSONResponse({"prompt_id": prompt_id, "number": self._number, "node_errors": {}})

    async def get_prompt(self, _: Request) -> Response:
        return JSONResponse({"exec_info": self.status()["status"]["exec_info"]})

    async def get_history(self, request: Request) -> Response:
        prompt_id = request.path_params["prompt_id"]
        if prompt_id in self.history:
            return JSONResponse({prompt_id: self.history[prompt_id]})
        return JSONResponse({})

    async def view(self, request: Request) -> Response:
        q = request.query_params
        name, sub, kind = q.get("filename", ""), q.get("subfolder", ""), q.get("type", "output")
        if not name or name.startswith("/") or ".." in name:
            return Response(status_code=400)
        if sub.startswith("/") or ".." in sub:
            return Response(status_code=403)
        body = self.files.get((kind, sub, name))
        if body is None:
            return Response(status_code=404)
        if self.view_delay:
            await asyncio.sleep(self.view_delay)
        body = body if self.view_body is None else self.view_body
        return Response(
            body,
            headers={"Content-Disposition": f'filename="{name}"'},
            media_type="application/octet-stream",
        )

    async def upload_image(self, request: Request) -> Response:
        form = await request.form()
        image = form.get("image")
        if image is None or isinstance(image, str):
            return Response(status_code=400)
        kind, sub = str(form.get("type") or "input"), str(form.get("subfolder") or "")
        data, name = await image.read(), image.filename or "image.png"
        overwrite = str(form.get("overwrite", "")).lower() in ("true", "1")
        stem, dot, ext = name.rpartition(".")
        n = 1
        while not overwrite and self.files.get((kind, sub, name), data) != data:
            name = f"{stem} ({n}){dot}{ext}"
            n += 1
        self.files[(kind, sub, name)] = data
        return JSONResponse({"name": name, "subfolder": sub, "type": kind})

    async def get_queue(self, _: Request) -> Response:
        running = [self.running.item()] if self.running else []
        return JSONResponse(
            {"queue_running": running, "queue_pending": [j.item() for j in self.pending]}
        )

    async def post_queue(self, request: Request) -> Response:
        body = await request.json()
        if body.get("clear"):
            self.pending.clear()
        for prompt_id in body.get("delete", []):
            self.queue_deletes.append(prompt_id)
            self.pending = [j for j in self.pending if j.prompt_id != prompt_id]
        return Response(status_code=200)

    async def interrupt(self, request: Request) -> Response:
        raw = await request.body()
        body = json.loads(raw) if raw else {}
        self.interrupts.append(body)
        target = body.get("prompt_id")
        if self.running and (target is None or target == self.running.prompt_id):
            self._interrupted.set()
        return Response(status_code=200)

    async def system_stats(self, _: Request) -> Response:
        return JSONResponse(
            {
                "system": {
                    "os": "posix",
                    "comfyui_version": "0.3.40",
                    "python_version": "3.11",
                    "embedded_python": False,
                },
                "devices": [],
            }
        )

    async def get_object_info(self, _: Request) -> Response:
        inputs = sorted(name for (kind, _, name) in self.files if kind == "input")
        return JSONResponse(object_info(inputs))

    async def checkpoints(self, _: Request) -> Response:
        return JSONResponse(CHECKPOINTS)

    async def websocket(self, ws: WebSocket) -> None:
        self.websocket_attempts += 1
        if self.websocket_refusals:
            status = self.websocket_refusals.pop(0)
            await ws.send_denial_response(Response("busy", status_code=status))
            return
        if not self.websocket_enabled:  # e.g. a proxy in front that does not pass upgrades
            await ws.close(code=1008)
            return
        await ws.accept()
        sid = ws.query_params.get("clientId") or uuid.uuid4().hex
        self.sockets[sid] = ws
        try:
            await ws.send_text(
                json.dumps({"type": "status", "data": {**self.status(), "sid": sid}})
            )
            while True:
                await ws.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            if self.sockets.get(sid) is ws:
                del self.sockets[sid]

    def app(self) -> Starlette:
        routes: list[Any] = []
        for prefix in ("", "/api"):  # every route also exists under /api
            routes += [
                Route(f"{prefix}/prompt", self.post_prompt, methods=["POST"]),
                Route(f"{prefix}/prompt", self.get_prompt, methods=["GET"]),
                Route(f"{prefix}/history/{{prompt_id}}", self.get_history),
                Route(f"{prefix}/view", self.view),
                Route(f"{prefix}/upload/image", self.upload_image, methods=["POST"]),
                Route(f"{prefix}/queue", self.get_queue, methods=["GET"]),
                Route(f"{prefix}/queue", self.post_queue, methods=["POST"]),
                Route(f"{prefix}/interrupt", self.interrupt, methods=["POST"]),
                Route(f"{prefix}/system_stats", self.system_stats),
                Route(f"{prefix}/object_info", self.get_object_info),
                Route(f"{prefix}/models/checkpoints", self.checkpoints),
                WebSocketRoute(f"{prefix}/ws", self.websocket),
            ]
        app = Starlette(routes=routes)
        app.add_middleware(_OriginCheck)
        return app


class _OriginCheck:
    """ComfyUI refuses loopback requests whose Origin host differs from Host (CSRF guard)."""

    def __init__(self, app: Any) -> None:
        self.inner = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            origin, host = headers.get(b"origin"), headers.get(b"host", b"").decode()
            if origin and urlsplit(origin.decode()).netloc != host:
                await Response(status_code=403)(scope, receive, send)
                return
        await self.inner(scope, receive, send)


@contextlib.asynccontextmanager
async def running(server: ComfyUIServer) -> Any:
    """The server's executor loop, for as long as the test runs."""
    worker = asyncio.create_task(server.worker())
    try:
        yield server
    finally:
        server.faults.stop.set()
        server.gate.set()
        server.queue_open.set()
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
