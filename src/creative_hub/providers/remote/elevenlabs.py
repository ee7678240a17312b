"""ElevenLabs: speech with timestamps (subtitle cues from the alignment), voices, sound effects.

Audio is asked for as raw PCM (`output_format=pcm_<rate>`, on every tier) and written as
WAV, so no MP3 decoding is needed. '<name>/<voice id>' picks a voice, '<name>/<model id>'
(one of `tts_models`, default TTS_MODELS) the speech model.
Settings: `tts_model` (default eleven_multilingual_v2),
`voice` (default voice id), `sample_rate` (PCM rate), `sound_model`, `prompt_influence`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    ModelInfo,
    Progress,
    ProviderError,
    ProviderInfo,
    SoundEffectRequest,
    SpeechRequest,
    TimedText,
    Voice,
    no_progress,
)
from creative_hub.providers.remote.config import Connection, KindSpec, ModelsByCapability
from creative_hub.providers.remote.http import PROVIDER_ERROR, provider_message
from creative_hub.providers.remote.outputs import pcm_to_wav

PCM_RATES = (16000, 22050, 24000, 44100)
# ElevenLabs' text-to-speech models (its models reference); settings.tts_models replaces.
TTS_MODELS = ("eleven_multilingual_v2", "eleven_v3", "eleven_turbo_v2_5", "eleven_flash_v2_5")
SOUND_MODEL = "eleven_text_to_sound_v2"
# The models that take language_code (ElevenLabs' text-to-speech reference).
LANGUAGE_MODELS = frozenset({"eleven_turbo_v2_5", "eleven_flash_v2_5"})
# ElevenLabs' voice_settings.speed range.
MIN_SPEED, MAX_SPEED = 0.7, 1.2


def _rate(conn: Connection) -> int:
    rate = int(conn.config.setting("sample_rate", 24000))
    return rate if rate in PCM_RATES else 24000


def _usage(response: httpx.Response) -> dict[str, Any]:
    """The provider's own bill for the call (characters), when it says."""
    cost = response.headers.get("character-cost")
    return {"characters_billed": int(cost)} if cost and cost.isdigit() else {}


class ElevenLabsSpeech:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def describe(self) -> ProviderInfo:
        voices = tuple(self.conn.models(Capability.speech))
        ids = self.conn.config.setting("tts_models") or TTS_MODELS
        models = tuple(ModelInfo(str(m), str(m)) for m in ids)
        return self.conn.info(
            Capability.speech, models=voices + models, supports={"timestamps": True}
        )

    def voices(self) -> Sequence[Voice]:
        label = f"ElevenLabs ({self.conn.name})"
        return [
            Voice(m.id, m.name, m.languages[0] if m.languages else "", True, label)
            for m in self.conn.models(Capability.speech)
        ]

    async def synthesize(
        self, request: SpeechRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        voice = request.voice or self.conn.config.setting("voice")
        if not voice:
            voices = self.conn.models(Capability.speech)
            if not voices:
                raise self.conn.http.error(PROVIDER_ERROR, "no voice chosen and none listed.")
            voice = voices[0].id
        model = str(
            request.model or self.conn.config.setting("tts_model", "eleven_multilingual_v2")
        )
        body: dict[str, Any] = {"text": request.text, "model_id": model}
        if request.speed != 1.0:
            body["voice_settings"] = {"speed": min(MAX_SPEED, max(MIN_SPEED, request.speed))}
        if request.language and body["model_id"] in LANGUAGE_MODELS:
            # Other models refuse language_code with an error: they detect the language.
            body["language_code"] = request.language
        rate = _rate(self.conn)
        await progress(0.05, "Speaking with ElevenLabs")
        response = await self.conn.http.request(
            "POST",
            f"v1/text-to-speech/{voice}/with-timestamps",
            params={"output_format": f"pcm_{rate}"},
            json=body,
        )
        data = self.conn.http.parse_json(response)
        pcm, alignment = self._parse(data)
        cues = sentence_cues(request.text, alignment)
        await progress(0.9, "Writing the audio")
        return await pcm_to_wav(
            pcm,
            rate,
            out_dir / "speech.wav",
            cues,
            {"voice": voice, "model": model, **_usage(response)},
        )

    def _parse(self, data: Any) -> tuple[bytes, dict[str, list[Any]]]:
        if not isinstance(data, dict) or not isinstance(data.get("audio_base64"), str):
            raise self.conn.http.malformed("no audio_base64 in the speech response")
        try:
            pcm = base64.b64decode(data["audio_base64"], validate=True)
        except binascii.Error as exc:
            raise self.conn.http.malformed("audio_base64 is not base64") from exc
        alignment = data.get("alignment") or data.get("normalized_alignment")
        keys = ("characters", "character_start_times_seconds", "character_end_times_seconds")
        if not isinstance(alignment, dict) or not all(
            isinstance(alignment.get(k), list) for k in keys
        ):
            raise self.conn.http.malformed("no character alignment in the speech response")
        if len({len(alignment[k]) for k in keys}) != 1:
            raise self.conn.http.malformed("alignment lists of different lengths")
        return pcm, alignment


def sentence_cues(text: str, alignment: dict[str, list[Any]]) -> tuple[TimedText, ...]:
    """One cue per sentence (as the local speech engine makes them), timed by the
    alignment of the sentence's first and last character."""
    from creative_hub.providers.local.speech.sentences import split_sentences

    spoken = "".join(str(c) for c in alignment["characters"])
    starts = alignment["character_start_times_seconds"]
    ends = alignment["character_end_times_seconds"]
    cues: list[TimedText] = []
    cursor = 0
    for sentence in split_sentences(text):
        at = spoken.find(sentence.text, cursor)
        if at < 0:  # the provider normalised the text: fall back to its sentence order
            continue
        last = at + len(sentence.text) - 1
        cues.append(TimedText(float(starts[at]), float(ends[last]), sentence.text))
        cursor = last + 1
    if not cues and spoken.strip():
        cues.append(TimedText(float(starts[0]), float(ends[-1]), text.strip()))
    return tuple(cues)


class ElevenLabsSoundEffects:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def describe(self) -> ProviderInfo:
        return self.conn.info(Capability.sound_effects)

    def catalogue(self) -> Sequence[str]:
        return ()  # any description: the model makes the sound from the text

    async def generate(
        self, request: SoundEffectRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        body: dict[str, Any] = {
            "text": request.prompt,
            "duration_seconds": min(30.0, max(0.5, request.duration)),
            "prompt_influence": float(self.conn.config.setting("prompt_influence", 0.3)),
        }
        model = self.conn.config.setting("sound_model")
        if model:
            body["model_id"] = model
        rate = _rate(self.conn)
        await progress(0.05, "Making the sound with ElevenLabs")
        response = await self.conn.http.request(
            "POST", "v1/sound-generation", params={"output_format": f"pcm_{rate}"}, json=body
        )
        if not response.content or response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            raise self.conn.http.malformed("no audio in the sound-generation response")
        await progress(0.9, "Writing the audio")
        return await pcm_to_wav(
            response.content, rate, out_dir / "effect.wav", info=_usage(response)
        )


async def list_models(conn: Connection) -> ModelsByCapability:
    """Voices are the speech "models" (a request's model id is the voice id)."""
    data = await conn.http.json("GET", "v1/voices")
    if not isinstance(data, dict) or not isinstance(data.get("voices"), list):
        raise conn.http.malformed("no voices list")
    voices = []
    for v in data["voices"]:
        if isinstance(v, dict) and v.get("voice_id"):
            labels = v.get("labels") or {}
            language = labels.get("language", "") if isinstance(labels, dict) else ""
            voices.append(
                ModelInfo(
                    str(v["voice_id"]),
                    str(v.get("name") or v["voice_id"]),
                    languages=(language,) if language else (),
                )
            )
    sound = str(conn.config.setting("sound_model") or SOUND_MODEL)
    return {Capability.speech: voices, Capability.sound_effects: [ModelInfo(sound, sound)]}


async def check(conn: Connection) -> str:
    models = await list_models(conn)
    return f"{len(models[Capability.speech])} voices"


def classify(response: httpx.Response, message: str) -> ProviderError | None:
    """A 401 that is about the account's quota is not a bad key."""
    _, kinds = provider_message(response)
    if "quota_exceeded" in kinds or "max_character_limit_exceeded" in kinds:
        return ProviderError(PROVIDER_ERROR, f"{message} (HTTP {response.status_code})")
    return None


SPEC = KindSpec(
    kind="elevenlabs",
    label="ElevenLabs",
    default_base_url="https://api.elevenlabs.io",
    adapters={
        Capability.speech: ElevenLabsSpeech,
        Capability.sound_effects: ElevenLabsSoundEffects,
    },
    headers=lambda c: {"xi-api-key": c.api_key} if c.api_key else {},
    list_models=list_models,
    check=check,
    classify=classify,
    requires_api_key=True,
)
