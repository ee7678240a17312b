"""What workers run for audio: speech, music, sound effects, transcription, mixing."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from creative_hub.models.enums import TaskType
from creative_hub.providers.base import (
    AudioResult,
    Capability,
    MusicGenerator,
    MusicRequest,
    SoundEffectGenerator,
    SoundEffectRequest,
    SpeechRequest,
    SpeechSynthesizer,
    TimedText,
    Transcriber,
)
from creative_hub.providers.local.subtitles import to_srt, to_vtt
from creative_hub.tasks.job_io import input_file, progress_between, save_output, workspace
from creative_hub.tasks.registry import JobContext, JobResult, default_registry
from creative_hub.usage.service import Usage


def _segments(items: tuple[TimedText, ...]) -> list[dict[str, Any]]:
    return [{"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text} for s in items]


async def save_subtitles(ctx: JobContext, cues: tuple[TimedText, ...], stem: str) -> dict[str, str]:
    """SRT and WebVTT files of the cues, as the task's assets."""
    if not cues:
        return {}
    srt = await save_output(ctx, to_srt(cues).encode(), "text/plain", f"{stem}.srt")
    vtt = await save_output(ctx, to_vtt(cues).encode(), "text/plain", f"{stem}.vtt")
    return {"srt_url": srt["url"], "vtt_url": vtt["url"]}


async def _audio_result(
    ctx: JobContext,
    result: AudioResult,
    stem: str,
    capability: Capability,
    provider: str,
    model: str | None,
    extra: dict[str, Any],
) -> JobResult:
    audio = await save_output(ctx, result.path, "audio/wav", f"{stem}.wav")
    subtitles = await save_subtitles(ctx, result.segments, stem)
    output = {
        "audio": audio,
        "duration": round(result.duration, 3),
        "sample_rate": result.sample_rate,
        "segments": _segments(result.segments),
        **subtitles,
        **result.info,
        **extra,
    }
    return JobResult(
        output_data=output,
        output_urls=[audio["url"], *subtitles.values()],
        provider=provider,
        model=model,
        usage=[Usage(capability.value, provider, "audio_seconds", result.duration, model)],
    )


@default_registry.handler(TaskType.speech)
async def speech(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    provider: SpeechSynthesizer = ctx.runtime.providers.speech(data.get("provider"))
    request = SpeechRequest(
        text=data["text"],
        voice=data.get("voice"),
        speed=float(data.get("speed", 1.0)),
        language=data.get("language"),
        model=data.get("model"),  # the provider's speech model; None: its default
    )
    async with workspace(ctx) as scratch:
        result = await provider.synthesize(request, scratch, progress_between(ctx, 0, 90))
        # A workflow's narration must fit its scene: too long, it is said again faster.
        fit = float(data.get("fit_seconds") or 0)
        if fit and result.duration > fit:
            most = float(data.get("max_speed", request.speed))
            speed = round(min(most, request.speed * result.duration / fit), 2)
            request = dataclasses.replace(request, speed=speed)
            result = await provider.synthesize(request, scratch)
        job = await _audio_result(
            ctx,
            result,
            "speech",
            Capability.speech,
            data.get("provider") or "local",
            result.info.get("voice") or data.get("voice"),
            {},
        )
    # Usage is per speech model where the provider names it (remote ones do), else voice.
    billed_model = result.info.get("model") or job.model
    job.usage = [dataclasses.replace(item, model=billed_model) for item in job.usage] + [
        Usage(
            Capability.speech.value,
            job.provider or "local",
            "characters",
            # The provider's own bill when it reports one (ElevenLabs' character-cost).
            result.info.get("characters_billed", len(data["text"])),
            billed_model,
        )
    ]
    return job


@default_registry.handler(TaskType.music)
async def music(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    provider: MusicGenerator = ctx.runtime.providers.music(data.get("provider"))
    request = MusicRequest(
        duration=float(data["duration"]),
        prompt=data.get("prompt", ""),
        mood=data.get("mood"),
        tempo=data.get("tempo"),
        seed=data.get("seed"),
    )
    async with workspace(ctx) as scratch:
        result = await provider.compose(request, scratch, progress_between(ctx, 0, 95))
        return await _audio_result(
            ctx,
            result,
            "music",
            Capability.music,
            data.get("provider") or "local",
            data.get("model"),
            {},
        )


@default_registry.handler(TaskType.sound_effect)
async def sound_effect(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    provider: SoundEffectGenerator = ctx.runtime.providers.sound_effects(data.get("provider"))
    request = SoundEffectRequest(
        prompt=data["prompt"], duration=float(data["duration"]), seed=data.get("seed")
    )
    async with workspace(ctx) as scratch:
        result = await provider.generate(request, scratch, progress_between(ctx, 0, 95))
        return await _audio_result(
            ctx,
            result,
            "effect",
            Capability.sound_effects,
            data.get("provider") or "local",
            data.get("model"),
            {},
        )


@default_registry.handler(TaskType.transcription)
async def transcription(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    name = data.get("provider") or "local"
    provider: Transcriber = ctx.runtime.providers.transcription(name)
    async with workspace(ctx) as scratch:
        asset, path = await input_file(ctx, data["asset_id"], scratch, "audio", "video")
        transcript = await provider.transcribe(
            path, data.get("language"), progress_between(ctx, 0, 90), model=data.get("model")
        )
    model = transcript.model or data.get("model")  # the provider says which one it used
    # The provider's own figure when it states one (billed seconds, or tokens).
    billed = transcript.billed or {"audio_seconds": transcript.duration}
    text = await save_output(ctx, transcript.text.encode(), "text/plain", "transcript.txt")
    subtitles = await save_subtitles(ctx, transcript.segments, "transcript")
    return JobResult(
        output_data={
            "text": transcript.text,
            "language": transcript.language,
            "duration": round(transcript.duration, 3),
            "segments": _segments(transcript.segments),
            "text_url": text["url"],
            **subtitles,
            "source_asset_id": str(asset.id),
        },
        output_urls=[text["url"], *subtitles.values()],
        provider=name,
        model=model,
        usage=[
            Usage(Capability.transcription.value, name, unit, quantity, model)
            for unit, quantity in billed.items()
        ],
    )


@default_registry.handler(TaskType.audio_mix)
async def mix(ctx: JobContext) -> JobResult:
    from creative_hub.providers.base import AudioTrack
    from creative_hub.providers.local.ffmpeg import mix_audio

    data = ctx.input_data
    fmt = data.get("format", "wav")
    async with workspace(ctx) as scratch:
        tracks = []
        for track in data["tracks"]:
            _, path = await input_file(ctx, track["asset_id"], scratch, "audio")
            tracks.append(
                AudioTrack(
                    path=path,
                    role="effect",
                    gain_db=float(track["gain_db"]),
                    offset=float(track["offset"]),
                )
            )
        out = Path(scratch) / f"mix.{fmt}"
        await ctx.progress(10, f"Mixing {len(tracks)} tracks")
        mixed = await mix_audio(
            tracks, out, duration=data.get("duration"), progress=progress_between(ctx, 10, 95)
        )
        duration = mixed.duration
        mime = "audio/wav" if fmt == "wav" else "audio/mpeg"
        audio = await save_output(ctx, out, mime, f"mix.{fmt}")
    return JobResult(
        output_data={"audio": audio, "duration": round(duration, 3), "tracks": len(tracks)},
        output_urls=[audio["url"]],
        provider="local",
        model="ffmpeg",
        usage=[Usage("audio_mix", "local", "audio_seconds", duration, "ffmpeg")],
    )
