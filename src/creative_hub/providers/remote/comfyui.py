"""ComfyUI (self-hosted): any workflow saved in API format, run with the hub's inputs.

One run: open the websocket (/ws?clientId=) first so no event is missed, upload the input
image if any (/upload/image), POST /prompt with our client_id, follow `progress` /
`executing` / `execution_error` until the final `executing {node: null}`, then read the
outputs from /history/{prompt_id} and fetch them with /view. The socket is opened under
the provider's breaker and retries; without one, the history is polled instead. A
cancelled job deletes the prompt from /queue and calls /interrupt. Workflows and their
input mapping come from settings (comfyui_workflow.py).
Settings: workflows, poll_interval (1 s), generation_timeout (1800 s), download_timeout
(300 s), max_download_mb (512).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import random
import uuid
from pathlib import Path
from typing import Any

import httpx
import structlog

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    ClipRequest,
    GeneratedImage,
    ImageRequest,
    ModelInfo,
    MusicRequest,
    Progress,
    ProviderError,
    ProviderInfo,
    SoundEffectRequest,
    VideoResult,
    no_progress,
)
from creative_hub.providers.remote.comfyui_workflow import Workflow, output_files, parse_workflows
from creative_hub.providers.remote.config import Connection, KindSpec
from creative_hub.providers.remote.http import (
    PROVIDER_ERROR,
    PROVIDER_UNAVAILABLE,
    RETRY_STATUSES,
)
from creative_hub.providers.remote.outputs import as_png, audio_to_wav, save_video

log = structlog.get_logger(__name__)


class ComfyRun:
    """One prompt on one ComfyUI server, followed to its end."""

    def __init__(self, conn: Connection, progress: Progress) -> None:
        self.conn = conn
        self.progress = progress
        self.client_id = uuid.uuid4().hex
        self.prompt_id: str | None = None
        self.nodes: dict[str, Any] = {}
        self.fraction = 0.02  # progress never goes backwards between nodes

    def _ws_url(self) -> str:
        base = self.conn.http.base_url
        scheme = "wss" if base.scheme == "https" else "ws"
        return str(base.copy_with(scheme=scheme).join(f"ws?clientId={self.client_id}"))

    async def upload(self, data: bytes, name: str) -> str:
        response = await self.conn.http.request(
            "POST",
            "upload/image",
            files={"image": (name, data, "image/png")},
            data={"type": "input", "overwrite": "true"},
        )
        body = self.conn.http.parse_json(response)
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise self.conn.http.malformed("upload/image did not name the file")
        sub = body.get("subfolder") or ""
        return f"{sub}/{body['name']}" if sub else str(body["name"])

    async def run(self, graph: dict[str, Any]) -> dict[str, Any]:
        """The prompt's history entry once it has finished successfully."""
        self.nodes = graph
        timeout = float(self.conn.config.setting("generation_timeout", 1800))
        socket = await self._connect()
        try:
            await self._submit(graph)
            async with asyncio.timeout(timeout):
                if socket is not None:
                    await self._follow(socket)
                return await self._history()
        except TimeoutError:
            await asyncio.shield(self.cancel())
            raise self.conn.http.error(
                PROVIDER_UNAVAILABLE, f"the workflow did not finish within {timeout:.0f} s."
            ) from None
        except asyncio.CancelledError:
            await asyncio.shield(self.cancel())
            raise
        finally:
            if socket is not None:
                with contextlib.suppress(Exception):
                    await socket.close()

    async def _connect(self) -> Any:
        """The progress websocket, opened like an HTTP call is made (breaker, retries with
        backoff, a final failure counted); if it still fails, the history is polled
        instead, as ComfyUI's own front end does when its socket cannot open."""
        from websockets.asyncio.client import connect

        key = self.conn.config.api_key  # a ComfyUI behind an authenticating proxy

        async def attempt() -> Any:
            return await connect(
                self._ws_url(),
                open_timeout=self.conn.http.policy.connect_timeout,
                max_size=2**24,
                additional_headers={"Authorization": f"Bearer {key}"} if key else None,
            )

        try:
            return await self.conn.http.guarded("the websocket", attempt, _ws_transient)
        except Exception as exc:  # down (counted), or an upgrade refused by a proxy
            log.info("comfyui_no_websocket", provider=self.conn.name, error=type(exc).__name__)
            return None  # POST /prompt then fails fast too if the circuit has opened

    async def _submit(self, graph: dict[str, Any]) -> None:
        data = await self.conn.http.json(
            "POST", "prompt", json={"prompt": graph, "client_id": self.client_id}
        )
        if not isinstance(data, dict) or not isinstance(data.get("prompt_id"), str):
            raise self.conn.http.malformed("no prompt_id in the /prompt answer")
        self.prompt_id = data["prompt_id"]
        await self.progress(0.02, "Queued on ComfyUI")

    async def _follow(self, socket: Any) -> None:
        """Websocket events until our prompt's final `executing {node: null}`."""
        from websockets.exceptions import ConnectionClosed

        try:
            async for frame in socket:
                if isinstance(frame, bytes):  # preview images
                    continue
                message = json.loads(frame)
                data = message.get("data") if isinstance(message, dict) else None
                if not isinstance(data, dict) or data.get("prompt_id") != self.prompt_id:
                    continue
                if await self._event(str(message.get("type")), data):
                    return
        except ConnectionClosed:
            log.info("comfyui_websocket_closed", provider=self.conn.name)
        except ValueError as exc:
            raise self.conn.http.malformed("a websocket message is not JSON") from exc

    async def _event(self, kind: str, data: dict[str, Any]) -> bool:
        if kind == "progress" and isinstance(data.get("max"), int) and data["max"] > 0:
            value = int(data.get("value", 0))
            await self.progress(0.05 + 0.85 * value / data["max"], f"Step {value} of {data['max']}")
        elif kind == "executing":
            node = data.get("node")
            if node is None:
                return True  # sent after the history is written: done
            cls = (self.nodes.get(str(node)) or {}).get("class_type", node)
            await self.progress(self.fraction, f"Running {cls}")
        elif kind == "execution_error":
            raise self.conn.http.error(
                PROVIDER_ERROR,
                f"{data.get('node_type', 'a node')} failed: "
                f"{data.get('exception_message', 'no message')}".strip(),
            )
        elif kind == "execution_interrupted":
            raise self.conn.http.error(PROVIDER_ERROR, "the prompt was interrupted on ComfyUI.")
        return False

    async def _history(self) -> dict[str, Any]:
        interval = float(self.conn.config.setting("poll_interval", 1.0))
        while True:
            data = await self.conn.http.json("GET", f"history/{self.prompt_id}")
            if not isinstance(data, dict):
                raise self.conn.http.malformed("history is not an object")
            entry = data.get(str(self.prompt_id))
            if isinstance(entry, dict):
                status = entry.get("status") or {}
                if status.get("status_str") == "error":
                    raise self.conn.http.error(PROVIDER_ERROR, _error_text(status))
                if status.get("completed", True):
                    return entry
            await asyncio.sleep(interval)  # queued or running: {} until done

    async def cancel(self) -> None:
        """Take the prompt out of the queue, or stop it if it is running."""
        if self.prompt_id is None:
            return
        with contextlib.suppress(ProviderError):
            await self.conn.http.request(
                "POST", "queue", json={"delete": [self.prompt_id]}, call_timeout=10
            )
        with contextlib.suppress(ProviderError):
            await self.conn.http.request(
                "POST", "interrupt", json={"prompt_id": self.prompt_id}, call_timeout=10
            )

    async def fetch(self, file: dict[str, str]) -> bytes:
        """One output file through the download path: base URL's host only, capped at
        max_download_mb, with its own download_timeout."""
        url = httpx.URL("view", params=file)
        timeout = float(self.conn.config.setting("download_timeout", 300))
        return await self.conn.http.download(str(url), call_timeout=timeout)


def _ws_transient(exc: Exception) -> bool:
    """Worth another try: unreachable, too slow, or a 5xx/429 answer to the upgrade."""
    from websockets.exceptions import InvalidMessage, InvalidStatus

    if isinstance(exc, InvalidStatus):
        return exc.response.status_code in RETRY_STATUSES
    return isinstance(exc, OSError | TimeoutError | InvalidMessage)


def _error_text(status: dict[str, Any]) -> str:
    for name, data in status.get("messages") or []:
        if name == "execution_error" and isinstance(data, dict):
            return f"{data.get('node_type')} failed: {data.get('exception_message')}"
        if name == "execution_interrupted":
            return "the prompt was interrupted on ComfyUI."
    return "the workflow failed."


class _ComfyAdapter:
    capability: Capability

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def workflows(self) -> list[Workflow]:
        return [
            w
            for w in parse_workflows(self.conn.config.setting("workflows"))
            if self.capability in w.capabilities
        ]

    def describe(self) -> ProviderInfo:
        try:
            found = self.workflows()
        except ProviderError as exc:
            found, reason = [], exc.message
        else:
            reason = f"no {self.capability.value} workflow uploaded"
        info = self.conn.info(
            self.capability, models=tuple(ModelInfo(w.name, w.name) for w in found)
        )
        if not found:
            return dataclasses.replace(info, available=False, unavailable_reason=reason)
        return info

    def workflow(self, name: str | None) -> Workflow:
        found = self.workflows()
        chosen = next((w for w in found if w.name == name), None) if name else None
        if chosen is None and not name and found:
            chosen = found[0]
        if chosen is None:
            names = ", ".join(w.name for w in found) or "none"
            raise self.conn.http.error(
                PROVIDER_ERROR, f"no {self.capability.value} workflow {name!r} (have: {names})."
            )
        return chosen

    async def execute(
        self,
        workflow: Workflow,
        values: dict[str, Any],
        progress: Progress,
        image: bytes | None = None,
    ) -> tuple[ComfyRun, list[dict[str, str]]]:
        run = ComfyRun(self.conn, progress)
        if image is not None:
            values["image"] = await run.upload(image, f"hub-{uuid.uuid4().hex}.png")
        if "seed" in workflow.inputs and values.get("seed") is None:
            values["seed"] = random.SystemRandom().randrange(2**32)
        history = await run.run(workflow.build({**workflow.defaults, **values}))
        files = output_files(history, workflow, self.capability)
        if not files:
            raise self.conn.http.malformed(f"the workflow wrote no {self.capability.value} file")
        await progress(0.95, "Fetching the result from ComfyUI")
        return run, files


class ComfyImages(_ComfyAdapter):
    capability = Capability.image

    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage:
        workflow = self.workflow(request.model)
        values: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt or None,
            "seed": request.seed,
            "width": request.width,
            "height": request.height,
        }
        run, files = await self.execute(workflow, values, progress)
        return await as_png(await run.fetch(files[0]), int(values["seed"] or 0))


class ComfyVideo(_ComfyAdapter):
    capability = Capability.image_to_video

    async def animate(
        self, request: ClipRequest, out_dir: Path, progress: Progress = no_progress
    ) -> VideoResult:
        workflow = self.workflow(self.conn.config.setting("video_workflow"))
        image = await asyncio.to_thread(request.image.read_bytes)
        values: dict[str, Any] = {
            "prompt": request.motion.replace("_", " "),
            "width": request.width,
            "height": request.height,
            "fps": request.fps,
            "duration": request.duration,
            "frames": max(1, round(request.duration * request.fps)),
        }
        run, files = await self.execute(workflow, values, progress, image=image)
        return await save_video(await run.fetch(files[0]), out_dir, "comfyui-clip")


class _ComfyAudio(_ComfyAdapter):
    setting: str

    async def _audio(
        self, prompt: str, duration: float, seed: int | None, out: Path, progress: Progress
    ) -> AudioResult:
        workflow = self.workflow(self.conn.config.setting(self.setting))
        values = {"prompt": prompt, "duration": duration, "seed": seed}
        run, files = await self.execute(workflow, values, progress)
        return await audio_to_wav(await run.fetch(files[0]), out, {"workflow": workflow.name})


class ComfyMusic(_ComfyAudio):
    capability = Capability.music
    setting = "music_workflow"

    async def compose(
        self, request: MusicRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        prompt = request.prompt or request.mood or "music"
        return await self._audio(
            prompt, request.duration, request.seed, out_dir / "music.wav", progress
        )


class ComfySoundEffects(_ComfyAudio):
    capability = Capability.sound_effects
    setting = "sound_workflow"

    def catalogue(self) -> list[str]:
        return []  # any description

    async def generate(
        self, request: SoundEffectRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        return await self._audio(
            request.prompt, request.duration, request.seed, out_dir / "effect.wav", progress
        )


async def check(conn: Connection) -> str:
    data = await conn.http.json("GET", "system_stats")
    system = data.get("system") if isinstance(data, dict) else None
    if not isinstance(system, dict):
        raise conn.http.malformed("no system in system_stats")
    return f"ComfyUI {system.get('comfyui_version', '(version unknown)')}"


def classify(response: httpx.Response, message: str) -> ProviderError | None:
    """A 400 from /prompt names the nodes at fault: say which and why."""
    if response.status_code != 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("node_errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict) or not errors:
        return None
    parts = []
    for node, info in errors.items():
        for err in (info or {}).get("errors", [])[:3]:
            parts.append(
                f"node {node} ({info.get('class_type')}): {err.get('message')}: "
                f"{err.get('details')}"
            )
    return ProviderError(PROVIDER_ERROR, f"{message}: {'; '.join(parts)} (HTTP 400)")


SPEC = KindSpec(
    kind="comfyui",
    label="ComfyUI",
    default_base_url="http://127.0.0.1:8188",
    adapters={
        Capability.image: ComfyImages,
        Capability.image_to_video: ComfyVideo,
        Capability.music: ComfyMusic,
        Capability.sound_effects: ComfySoundEffects,
    },
    headers=lambda c: {"Authorization": f"Bearer {c.api_key}"} if c.api_key else {},
    list_models=None,  # the models are the uploaded workflows (settings)
    check=check,
    classify=classify,
    requires_api_key=False,
)
