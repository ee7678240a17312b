"""A local ElevenLabs API: text-to-speech (+ /with-timestamps), voices, sound-generation.

`xi-api-key` auth; errors `{"detail": {"status", "message"}}`; audio in the asked
`output_format` (pcm_* raw 16-bit LE mono, wav_*; mp3_* encoded with PyAV); alignment of
every character with start/end times that add up to the audio's length.
"""

from __future__ import annotations

import base64
import io
import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.providers.remote.servers import Faults, tone_pcm, wav_bytes

VOICES = [
    {
        "voice_id": "21m00Tcm4TlvDq8ikWAM",
        "name": "Rachel",
        "category": "premade",
        "labels": {"accent": "american", "gender": "female", "language": "en"},
        "description": "Calm narration",
        "preview_url": "https://storage.example/rachel.mp3",
        "settings": None,
        "samples": None,
    },
    {
        "voice_id": "pNInz6obpgDQGcFmaJgB",
        "name": "Adam",
        "category": "premade",
        "labels": {"accent": "american", "gender": "male"},
        "description": "Deep",
        "preview_url": "https://storage.example/adam.mp3",
        "settings": None,
        "samples": None,
    },
]
SECONDS_PER_CHAR = 0.06
FORMAT = re.compile(r"(mp3|pcm|wav|opus|ulaw|alaw)_(\d+)(?:_(\d+))?")
RATES = {8000, 16000, 22050, 24000, 32000, 44100, 48000}


@dataclass
class ElevenLabsServer:
    api_key: str = "sk_test_elevenlabs_key"
    faults: Faults = field(default_factory=Faults)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # Credits per character (Flash/Turbo models bill half): the character-cost header.
    cost_per_character: float = 1.0

    @staticmethod
    def error(status: int, code: str, message: str) -> JSONResponse:
        return JSONResponse({"detail": {"status": code, "message": message}}, status_code=status)

    async def _guard(self, request: Request) -> Response | None:
        if request.headers.get("xi-api-key") != self.api_key:
            return self.error(401, "invalid_api_key", "Invalid API key")
        fault = self.faults.next()
        if fault and fault.hang:
            await self.faults.hang()
        if fault and fault.status == 429:
            response = self.error(
                429, "system_busy", "We are experiencing high traffic, please try again later."
            )
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(fault.retry_after)
            return response
        if fault and fault.status:
            return self.error(fault.status, "internal_error", "Internal server error")
        if fault and fault.malformed:
            return JSONResponse({"audio": None, "alignment": "n/a"})
        return None

    @staticmethod
    def invalid(loc: list[Any], msg: str) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": loc, "msg": msg, "type": "value_error"}]}, status_code=422
        )

    def encode(self, fmt: str, pcm: bytes, rate: int) -> tuple[bytes, str]:
        kind = fmt.split("_")[0]
        if kind == "pcm":
            return pcm, "audio/pcm"
        if kind == "wav":
            return wav_bytes(pcm, rate), "audio/wav"
        return _mp3(pcm, rate), "audio/mpeg"

    def parse_format(self, request: Request) -> tuple[str, int] | JSONResponse:
        fmt = request.query_params.get("output_format", "mp3_44100_128")
        match = FORMAT.fullmatch(fmt)
        if (
            not match
            or match.group(1) not in ("mp3", "pcm", "wav")
            or int(match.group(2)) not in RATES
        ):
            return self.invalid(["query", "output_format"], f"Invalid output format {fmt}")
        return fmt, int(match.group(2))

    async def speech(self, request: Request) -> Response:
        guard = await self._guard(request)
        if guard is not None:
            return guard
        voice_id = request.path_params["voice_id"]
        parsed = self.parse_format(request)
        if isinstance(parsed, JSONResponse):
            return parsed
        fmt, rate = parsed
        body = await request.json()
        self.requests.append(
            {"path": request.url.path, "query": dict(request.query_params), **body}
        )
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return self.invalid(["body", "text"], "Field required")
        model = body.get("model_id", "eleven_multilingual_v2")
        if body.get("language_code") and model not in ("eleven_turbo_v2_5", "eleven_flash_v2_5"):
            return self.error(
                400, "unsupported_language", f"Model '{model}' does not support language_code."
            )
        if voice_id not in {v["voice_id"] for v in VOICES}:
            return self.error(
                400, "voice_not_found", f"A voice with the voice_id {voice_id} was not found."
            )
        if len(text) > 5000:
            return self.error(
                400, "max_character_limit_exceeded", "Text is longer than 5000 characters."
            )
        speed = float((body.get("voice_settings") or {}).get("speed", 1.0))
        per_char = SECONDS_PER_CHAR / speed
        pcm = tone_pcm(per_char * len(text), rate, 220.0)
        audio, mime = self.encode(fmt, pcm, rate)
        headers = {
            "character-cost": str(math.ceil(len(text) * self.cost_per_character)),
            "request-id": uuid.uuid4().hex,
            "history-item-id": uuid.uuid4().hex,
        }
        if not request.url.path.endswith("/with-timestamps"):
            return Response(audio, media_type=mime, headers=headers)
        alignment = {
            "characters": list(text),
            "character_start_times_seconds": [round(i * per_char, 3) for i in range(len(text))],
            "character_end_times_seconds": [round((i + 1) * per_char, 3) for i in range(len(text))],
        }
        return JSONResponse(
            {
                "audio_base64": base64.b64encode(audio).decode(),
                "alignment": alignment,
                "normalized_alignment": alignment,
            },
            headers=headers,
        )

    async def sound(self, request: Request) -> Response:
        guard = await self._guard(request)
        if guard is not None:
            return guard
        parsed = self.parse_format(request)
        if isinstance(parsed, JSONResponse):
            return parsed
        fmt, rate = parsed
        body = await request.json()
        self.requests.append(
            {"path": request.url.path, "query": dict(request.query_params), **body}
        )
        if not isinstance(body.get("text"), str) or not body["text"]:
            return self.invalid(["body", "text"], "Field required")
        duration = body.get("duration_seconds")
        if duration is not None and not 0.5 <= float(duration) <= 30:
            return self.invalid(["body", "duration_seconds"], "Input should be between 0.5 and 30")
        influence = body.get("prompt_influence", 0.3)
        if not 0 <= float(influence) <= 1:
            return self.invalid(["body", "prompt_influence"], "Input should be between 0 and 1")
        pcm = tone_pcm(float(duration or 2.0), rate, 660.0)
        audio, mime = self.encode(fmt, pcm, rate)
        return Response(
            audio, media_type=mime, headers={"request-id": uuid.uuid4().hex, "character-cost": "40"}
        )

    async def voices(self, request: Request) -> Response:
        guard = await self._guard(request)
        if guard is not None:
            return guard
        return JSONResponse({"voices": VOICES})

    async def models(self, request: Request) -> Response:
        guard = await self._guard(request)
        if guard is not None:
            return guard
        return JSONResponse(
            [
                {
                    "model_id": "eleven_multilingual_v2",
                    "name": "Eleven Multilingual v2",
                    "can_do_text_to_speech": True,
                    "languages": [{"language_id": "en", "name": "English"}],
                },
                {
                    "model_id": "eleven_flash_v2_5",
                    "name": "Eleven Flash v2.5",
                    "can_do_text_to_speech": True,
                    "languages": [],
                },
            ]
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/text-to-speech/{voice_id}", self.speech, methods=["POST"]),
                Route(
                    "/v1/text-to-speech/{voice_id}/with-timestamps", self.speech, methods=["POST"]
                ),
                Route("/v1/sound-generation", self.sound, methods=["POST"]),
                Route("/v1/voices", self.voices),
                Route("/v1/models", self.models),
            ]
        )


def _mp3(pcm: bytes, rate: int) -> bytes:
    import av
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").reshape(1, -1)
    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
