"""Replicate: any model by `owner/name` (official models) or version, for images, image to
video and music. Create a prediction (optionally `Prefer: wait=N`), poll it, cancel it when
the job is cancelled; outputs are downloaded only from the base URL's host and the admin's
`output_hosts` (default replicate.delivery), never from any other URL a response names.

Models take different inputs, so each capability has an input template (settings
`image_inputs`, `video_inputs`, `music_inputs`): strings like "{prompt}" are replaced by the
request's values (typed), and keys whose value is missing are left out.
Other settings: image_model / video_model / music_model (defaults when a request names
none), wait (Prefer: wait seconds, 0 = poll only), poll_interval (1 s),
generation_timeout (1800 s), output_hosts, download_timeout (300 s), max_download_mb (512).
Webhooks (optional): public_url (where Replicate can reach this hub) adds a signed webhook
to each prediction that wakes its job; polling then runs every webhook_poll_interval (30 s)
as the fallback (replicate_webhook.py).
"""

from __future__ import annotations

import asyncio
import base64
import re
from pathlib import Path
from typing import Any

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    ClipRequest,
    GeneratedImage,
    ImageRequest,
    MusicRequest,
    Progress,
    ProviderInfo,
    VideoResult,
    no_progress,
)
from creative_hub.providers.remote.config import Connection, KindSpec
from creative_hub.providers.remote.outputs import as_png, audio_to_wav, save_video
from creative_hub.providers.remote.replicate_predictions import Prediction, Predictions

DEFAULT_INPUTS: dict[Capability, dict[str, Any]] = {
    Capability.image: {"prompt": "{prompt}", "seed": "{seed}", "aspect_ratio": "{aspect_ratio}"},
    Capability.image_to_video: {"prompt": "{prompt}", "first_frame_image": "{image}"},
    Capability.music: {"prompt": "{prompt}", "duration": "{duration}", "seed": "{seed}"},
}
MODEL_SETTING = {
    Capability.image: "image_model",
    Capability.image_to_video: "video_model",
    Capability.music: "music_model",
}
INPUT_SETTING = {
    Capability.image: "image_inputs",
    Capability.image_to_video: "video_inputs",
    Capability.music: "music_inputs",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_RATIOS = ("21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21")


def render(template: Any, values: dict[str, Any]) -> Any:
    """The template with "{name}" replaced: a whole-string placeholder keeps the value's
    type (an int seed stays an int); keys whose value is None are dropped."""
    if isinstance(template, dict):
        out = {k: render(v, values) for k, v in template.items()}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(template, list):
        return [render(v, values) for v in template]
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template)
        if whole:
            return values.get(whole.group(1))
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)
    return template


def aspect_ratio(width: int, height: int) -> str:
    def ratio(r: str) -> float:
        w, h = r.split(":")
        return int(w) / int(h)

    return min(_RATIOS, key=lambda r: abs(ratio(r) - width / height))


class _ReplicateAdapter:
    capability: Capability

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.predictions = Predictions(conn)

    def describe(self) -> ProviderInfo:
        return self.conn.info(self.capability, supports={"any_model": True})

    def _model(self, requested: str | None) -> str:
        model = requested or self.conn.config.setting(MODEL_SETTING[self.capability])
        if not model:
            raise self.conn.http.error(
                "provider_error",
                f"no model given; name one as '{self.conn.name}/<owner>/<name>' or set "
                f"{MODEL_SETTING[self.capability]} in the provider's settings.",
            )
        return str(model)

    def _input(self, values: dict[str, Any]) -> dict[str, Any]:
        template = self.conn.config.setting(INPUT_SETTING[self.capability])
        rendered = render(template or DEFAULT_INPUTS[self.capability], values)
        return rendered if isinstance(rendered, dict) else {}

    async def _run(self, model: str, values: dict[str, Any], progress: Progress) -> Prediction:
        await progress(0.0, "Sent to Replicate")
        return await self.predictions.run(model, self._input(values), progress)

    async def _first_file(self, prediction: Prediction) -> bytes:
        urls = prediction.output_urls()
        if not urls:
            raise self.conn.http.malformed("the prediction has no output file")
        return await self.predictions.download(urls[0])


class ReplicateImages(_ReplicateAdapter):
    capability = Capability.image

    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage:
        values = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt or None,
            "seed": request.seed,
            "width": request.width,
            "height": request.height,
            "aspect_ratio": aspect_ratio(request.width, request.height),
        }
        prediction = await self._run(self._model(request.model), values, progress)
        data = await self._first_file(prediction)
        return await as_png(data, request.seed or 0)


class ReplicateVideo(_ReplicateAdapter):
    capability = Capability.image_to_video

    async def animate(
        self, request: ClipRequest, out_dir: Path, progress: Progress = no_progress
    ) -> VideoResult:
        image = await asyncio.to_thread(request.image.read_bytes)
        kind = "jpeg" if image[:3] == b"\xff\xd8\xff" else "png"
        values = {
            # The clip has no text: the prompt describes the motion (setting video_prompt).
            "prompt": render(
                self.conn.config.setting("video_prompt", "{motion}, smooth camera motion"),
                {"motion": request.motion.replace("_", " ")},
            ),
            "image": f"data:image/{kind};base64,{base64.b64encode(image).decode()}",
            "duration": request.duration,
            "fps": request.fps,
            "width": request.width,
            "height": request.height,
        }
        prediction = await self._run(self._model(None), values, progress)
        return await save_video(await self._first_file(prediction), out_dir, "replicate-clip")


class ReplicateMusic(_ReplicateAdapter):
    capability = Capability.music

    async def compose(
        self, request: MusicRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        values = {
            "prompt": request.prompt or (request.mood or "music"),
            "duration": max(1, round(request.duration)),
            "seed": request.seed,
            "tempo": request.tempo,
            "mood": request.mood,
        }
        prediction = await self._run(self._model(None), values, progress)
        data = await self._first_file(prediction)
        return await audio_to_wav(data, out_dir / "music.wav", prediction.usage())


async def check(conn: Connection) -> str:
    data = await conn.http.json("GET", "v1/account")
    if not isinstance(data, dict) or "username" not in data:
        raise conn.http.malformed("no username in the account")
    return f"signed in as {data['username']}"


SPEC = KindSpec(
    kind="replicate",
    label="Replicate",
    default_base_url="https://api.replicate.com",
    adapters={
        Capability.image: ReplicateImages,
        Capability.image_to_video: ReplicateVideo,
        Capability.music: ReplicateMusic,
    },
    headers=lambda c: {"Authorization": f"Bearer {c.api_key}"} if c.api_key else {},
    list_models=None,  # any public model: requests name it; settings.models can fix a list
    check=check,
    requires_api_key=True,
)
