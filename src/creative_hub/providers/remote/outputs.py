"""Provider outputs turned into what the Protocols promise: PNG images, WAV audio, MP4 video.

Shared by the ComfyUI, AUTOMATIC1111, Stability, Replicate and ElevenLabs adapters, whose
providers return WebP/JPEG images, FLAC/MP3/raw PCM audio and MP4/WebM/WebP video.
Decoding runs in a thread (Pillow, PyAV) or a subprocess (ffmpeg), off the event loop.
"""

from __future__ import annotations

import asyncio
import io
import wave
from pathlib import Path

from creative_hub.providers.base import (
    AudioResult,
    GeneratedImage,
    ProviderError,
    TimedText,
    VideoResult,
)


def _png(data: bytes, seed: int) -> GeneratedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.format == "PNG":
                return GeneratedImage(data, image.width, image.height, seed)
            out = io.BytesIO()
            converted = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
            converted.save(out, format="PNG")
            return GeneratedImage(out.getvalue(), image.width, image.height, seed)
    except (UnidentifiedImageError, OSError) as exc:
        raise ProviderError(
            "provider_error", "The provider returned a file that is not an image."
        ) from exc


async def as_png(data: bytes, seed: int) -> GeneratedImage:
    """Any image the provider sent, as PNG (the ImageGenerator contract)."""
    return await asyncio.to_thread(_png, data, seed)


def _write_pcm(path: Path, pcm: bytes, sample_rate: int, channels: int = 1) -> float:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    return len(pcm) / (2 * channels * sample_rate)


async def pcm_to_wav(
    pcm: bytes,
    sample_rate: int,
    path: Path,
    segments: tuple[TimedText, ...] = (),
    info: dict[str, object] | None = None,
) -> AudioResult:
    """Raw 16-bit little-endian mono PCM (ElevenLabs `pcm_*`) as a WAV file."""
    duration = await asyncio.to_thread(_write_pcm, path, pcm, sample_rate)
    return AudioResult(path, duration, sample_rate, segments, dict(info or {}))


def _decode_audio(data: bytes, path: Path) -> tuple[float, int]:
    import av
    import numpy as np

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            chunks = []
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except (av.error.FFmpegError, IndexError) as exc:
        raise ProviderError(
            "provider_error", "The provider returned a file that is not audio."
        ) from exc
    pcm = np.concatenate(chunks).astype("<i2").tobytes() if chunks else b""
    return _write_pcm(path, pcm, rate), rate


async def audio_to_wav(
    data: bytes, path: Path, info: dict[str, object] | None = None
) -> AudioResult:
    """Any audio file (WAV, FLAC, MP3, Opus...) decoded to a mono 16-bit WAV at its rate."""
    duration, rate = await asyncio.to_thread(_decode_audio, data, path)
    if duration <= 0:
        raise ProviderError("provider_error", "The provider returned empty audio.")
    return AudioResult(path, duration, rate, (), dict(info or {}))


async def save_video(data: bytes, out_dir: Path, stem: str) -> VideoResult:
    """The provider's video as an H.264 MP4 (MP4s are kept as they are, others transcoded)."""
    from creative_hub.providers.local.ffmpeg.binary import find_ffmpeg
    from creative_hub.providers.local.ffmpeg.runner import run_ffmpeg
    from creative_hub.providers.local.media_probe import probe

    source = out_dir / f"{stem}.source"
    await asyncio.to_thread(source.write_bytes, data)
    try:
        info = await asyncio.to_thread(probe, source)
    except Exception as exc:  # PyAV raises many kinds for a file that is not media
        raise ProviderError(
            "provider_error", "The provider returned a file that is not video."
        ) from exc
    if not info.has_video:
        raise ProviderError("provider_error", "The provider returned a file without video.")
    target = out_dir / f"{stem}.mp4"
    if data[4:8] == b"ftyp" and info.video_codec == "h264":
        await asyncio.to_thread(source.rename, target)
    else:
        args = [
            "-i",
            str(source),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            "-vf",
            "scale=trunc(iw/2)*2:trunc(ih/2)*2",
            str(target),
        ]
        await run_ffmpeg(find_ffmpeg(), args, duration=max(info.duration, 0.1))
        await asyncio.to_thread(source.unlink)
        info = await asyncio.to_thread(probe, target)
    return VideoResult(
        path=target,
        duration=info.video_duration or info.duration,
        width=info.width or 0,
        height=info.height or 0,
        fps=info.fps or 0.0,
        has_audio=info.has_audio,
    )
