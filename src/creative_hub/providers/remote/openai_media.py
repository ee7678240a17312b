"""OpenAI-compatible images, speech and transcription (PROVIDERS.md §1).

Outputs come back as bytes or files for the jobs to store in the hub's asset store: an
image URL in a response is downloaded here (only from the configured host), never
passed on.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import mimetypes
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    GeneratedImage,
    ImageRequest,
    ModelInfo,
    Progress,
    ProviderInfo,
    SpeechRequest,
    TimedText,
    Transcript,
    Voice,
    no_progress,
)

if TYPE_CHECKING:
    from creative_hub.providers.remote.config import Connection

# The documented voices; settings.voices replaces the list (other servers, new voices).
OPENAI_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer",
    "verse", "marin", "cedar",
)  # fmt: skip
# Sizes the OpenAI image models accept; other servers take the exact size asked for.
_SIZES = {
    "dall-e-2": ("256x256", "512x512", "1024x1024"),
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
    "gpt-image": ("1024x1024", "1536x1024", "1024x1536"),
}


def image_size(model: str, width: int, height: int) -> str:
    """The accepted size closest in shape (then in area) to the one asked for."""
    sizes = next((v for k, v in _SIZES.items() if model.startswith(k)), None)
    if sizes is None:
        return f"{width}x{height}"

    def distance(size: str) -> tuple[float, int]:
        w, h = (int(x) for x in size.split("x"))
        return abs(w / h - width / height), abs(w * h - width * height)

    return min(sizes, key=distance)


def _as_png(data: bytes) -> tuple[bytes, int, int]:
    from PIL import Image  # loaded on first use, not at start-up

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.format == "PNG":
            return data, image.width, image.height
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue(), image.width, image.height


class OpenAIImages:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    def describe(self) -> ProviderInfo:
        return self.connection.info(
            Capability.image,
            supports={"negative_prompt": False, "seed": False, "max_size": (1792, 1792)},
        )

    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage:
        models = self.connection.models(Capability.image)
        model = str(request.model or (models[0].id if models else "dall-e-3"))
        body: dict[str, Any] = {
            "model": model,
            "prompt": request.prompt,
            "n": 1,
            "size": image_size(model, request.width, request.height),
        }
        if model.startswith("dall-e"):  # GPT-image models reject it (always base64)
            body["response_format"] = "b64_json"
        await progress(0.1, f"Asking {self.connection.name} for an image")
        reply = await self.http.json("POST", "images/generations", json=body)
        try:
            item = reply["data"][0]
        except (KeyError, IndexError, TypeError) as exc:
            raise self.http.malformed("no data[0] in the image response") from exc
        if isinstance(item.get("b64_json"), str):
            try:
                data = base64.b64decode(item["b64_json"], validate=True)
            except (binascii.Error, ValueError) as exc:
                raise self.http.malformed("b64_json is not base64") from exc
        elif isinstance(item.get("url"), str):
            data = await self.http.download(item["url"])
        else:
            raise self.http.malformed("neither b64_json nor url in data[0]")
        try:
            png, width, height = await asyncio.to_thread(_as_png, data)
        except OSError as exc:  # Pillow: not an image it can read
            raise self.http.malformed("the image cannot be decoded") from exc
        return GeneratedImage(
            png=png, width=width, height=height, seed=request.seed or 0, tokens=_tokens(reply)
        )


def _tokens(reply: Any) -> dict[str, int]:
    """gpt-image responses carry `usage` {input_tokens, output_tokens, total_tokens}."""
    usage = reply.get("usage") if isinstance(reply, dict) else None
    if not isinstance(usage, dict):
        return {}
    keys = ("input_tokens", "output_tokens", "total_tokens")
    tokens = {k: int(v) for k in keys if isinstance(v := usage.get(k), int) and v >= 0}
    if "total_tokens" not in tokens and tokens:
        tokens["total_tokens"] = tokens.get("input_tokens", 0) + tokens.get("output_tokens", 0)
    return tokens


def _wav_facts(path: Path) -> tuple[float, int]:
    """(duration, sample rate) from the data actually present: streamed WAVs may carry a
    placeholder length in their header."""
    with wave.open(str(path), "rb") as wav:
        rate, frame = wav.getframerate(), wav.getsampwidth() * wav.getnchannels()
        frames = len(wav.readframes(wav.getnframes())) // max(1, frame)
    return frames / rate, rate


class OpenAISpeech:
    """'<name>/<voice>' picks a voice; '<name>/<tts model>' (a speech model the server
    lists, e.g. tts-1-hd) picks the model. Default model: settings.speech_model, tts-1."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    def voices(self) -> Sequence[Voice]:
        ids = self.connection.config.setting("voices") or OPENAI_VOICES
        return [Voice(str(v), str(v), "multi", neural=True) for v in ids]

    def describe(self) -> ProviderInfo:
        voices = tuple(ModelInfo(v.id, v.name) for v in self.voices())
        return self.connection.info(
            Capability.speech,
            models=voices + tuple(self.connection.models(Capability.speech)),
            supports={"speed": [0.25, 4.0], "sentence_timings": False},
        )

    async def synthesize(
        self, request: SpeechRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        voice = request.voice or self.voices()[0].id
        model = str(request.model or self.connection.config.setting("speech_model", "tts-1"))
        body = {
            "model": model,
            "input": request.text,
            "voice": voice,
            "response_format": "wav",  # the jobs store WAV
            "speed": request.speed,
        }
        await progress(0.1, f"Speaking with {self.connection.name} ({voice})")
        path = out_dir / "speech.wav"
        async with self.http.stream("POST", "audio/speech", json=body) as response:
            with path.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    await asyncio.to_thread(out.write, chunk)
        try:
            duration, rate = await asyncio.to_thread(_wav_facts, path)
        except (wave.Error, EOFError) as exc:
            raise self.http.malformed("the speech is not a WAV file") from exc
        return AudioResult(
            path=path,
            duration=duration,
            sample_rate=rate,
            segments=(TimedText(0.0, duration, request.text),),
            info={"voice": voice, "model": model},
        )


def iso_language(name: str) -> str:
    """verbose_json names the language in English ("english"); the hub uses ISO codes."""
    from babel import Locale  # loaded on first use

    codes = {v.lower(): k for k, v in Locale("en").languages.items() if "_" not in k}
    return str(codes.get(name.lower(), name))


class OpenAITranscriber:
    """The model: the one the request names, else the first listed, else whisper-1."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    def describe(self) -> ProviderInfo:
        return self.connection.info(Capability.transcription)

    async def transcribe(
        self,
        audio: Path,
        language: str | None = None,
        progress: Progress = no_progress,
        *,
        model: str | None = None,
    ) -> Transcript:
        config = self.connection.config
        if not model:
            models = self.connection.models(Capability.transcription)
            model = models[0].id if models else "whisper-1"
        response_format = config.setting("transcription_format", "verbose_json")
        data: dict[str, str] = {"model": str(model), "response_format": response_format}
        if language:
            data["language"] = language.split("-")[0].lower()
        mime = mimetypes.guess_type(audio.name)[0] or "application/octet-stream"
        content = await asyncio.to_thread(audio.read_bytes)
        await progress(0.1, f"Transcribing with {self.connection.name}")
        reply = await self.http.json(
            "POST", "audio/transcriptions", data=data, files={"file": (audio.name, content, mime)}
        )
        if not isinstance(reply, dict) or not isinstance(reply.get("text"), str):
            raise self.http.malformed("no 'text' in the transcription")
        duration = float(reply.get("duration") or 0.0)
        segments = tuple(
            TimedText(float(s["start"]), float(s["end"]), str(s["text"]).strip())
            for s in reply.get("segments") or []
            if isinstance(s, dict) and {"start", "end", "text"} <= s.keys()
        )
        if not segments and reply["text"].strip():
            segments = (TimedText(0.0, duration, reply["text"].strip()),)
        duration = duration or (segments[-1].end if segments else 0.0)
        return Transcript(
            language=language or iso_language(str(reply.get("language") or "")),
            duration=duration,
            segments=segments,
            model=model,
            billed=_billed(reply.get("usage")),
        )


def _billed(usage: Any) -> dict[str, float]:
    """A transcription's `usage`: {type: "duration", seconds} or {type: "tokens", ...}."""
    if not isinstance(usage, dict):
        return {}
    if usage.get("type") == "duration" and isinstance(usage.get("seconds"), int | float):
        return {"audio_seconds": float(usage["seconds"])}
    if usage.get("type") == "tokens" and isinstance(usage.get("total_tokens"), int):
        return {"tokens": float(usage["total_tokens"])}
    return {}
