"""mix_audio: several audio files -> one, with gain, offset, ducking and loudness normalisation.

Two ffmpeg runs. The first mixes into a float WAV (no clipping) and measures the mix
with loudnorm (EBU R128); the second applies one gain to reach the target loudness and
a peak limiter. A single linear gain keeps the mix's dynamics (the ducking stays as
deep as it was mixed), which one-pass dynamic loudnorm would flatten.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Sequence
from pathlib import Path

from creative_hub.providers.base import (
    AudioResult,
    AudioTrack,
    Progress,
    ProviderError,
    no_progress,
)
from creative_hub.providers.local.ffmpeg.audio_graph import (
    SAMPLE_RATE,
    PlacedTrack,
    audio_graph,
    input_args,
    natural_length,
)
from creative_hub.providers.local.ffmpeg.binary import find_ffmpeg
from creative_hub.providers.local.ffmpeg.inputs import check_audio
from creative_hub.providers.local.ffmpeg.runner import run_ffmpeg
from creative_hub.providers.local.ffmpeg.workspace import Workspace

TARGET_LUFS = -16.0
# Sample-peak ceiling after the gain (-1.5 dBFS), kept by a lookahead limiter.
PEAK_LIMIT = 10 ** (-1.5 / 20)
MAX_DURATION = 600.0
# Below this the mix is silence: there is nothing to normalise.
SILENCE_LUFS = -70.0

_CODECS: dict[str, list[str]] = {
    ".wav": ["-c:a", "pcm_s16le"],
    ".m4a": ["-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart"],
    ".mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    ".flac": ["-c:a", "flac"],
}


async def mix_audio(
    tracks: Sequence[AudioTrack],
    out_path: Path,
    duration: float | None = None,
    *,
    duck_music: bool = True,
    loudness: float | None = TARGET_LUFS,
    ffmpeg: str | None = None,
    progress: Progress = no_progress,
) -> AudioResult:
    """Mix `tracks` into `out_path` (.wav, .m4a, .mp3 or .flac), 48 kHz stereo.

    Narration is placed at its offset; music loops or is cut to the length and, when
    `duck_music`, drops under narration; effects are mixed in. `duration` defaults to
    where the last narration or effect ends. `loudness` is the target in LUFS (None:
    leave the level as mixed). Nothing is left at `out_path` if this fails or is
    cancelled.
    """
    codec = _CODECS.get(out_path.suffix.lower())
    if codec is None:
        raise ProviderError(
            "invalid_output", f"Cannot write {out_path.suffix!r}; use one of {', '.join(_CODECS)}."
        )
    if not tracks:
        raise ProviderError("no_audio", "Give at least one audio track to mix.")
    placed = await asyncio.to_thread(plan_tracks, tracks)  # reads file headers
    length = natural_length(placed) if duration is None else duration
    if not 0.05 <= length <= MAX_DURATION:
        raise ProviderError(
            "invalid_duration",
            f"Mix length {length:.2f} s is outside 0.05..{MAX_DURATION:g} s.",
        )
    exe = ffmpeg or find_ffmpeg()
    with Workspace(out_path.parent) as work:
        scratch = work.file("out" + out_path.suffix.lower())
        measured = await render_mix(
            exe, placed, length, duck_music, loudness, scratch, codec, progress
        )
        work.publish_as(scratch, out_path)
    await progress(1.0, "mixed")
    info: dict[str, object] = {
        "tracks": len(tracks),
        "loudness_target": loudness,
        "loudness_before": measured,  # LUFS of the raw mix (None when not normalised)
    }
    return AudioResult(path=out_path, duration=length, sample_rate=SAMPLE_RATE, info=info)


def plan_tracks(tracks: Sequence[AudioTrack], first_input: int = 0) -> list[PlacedTrack]:
    """Check every track (readable, sane gain/offset) and give it an ffmpeg input index."""
    return [
        PlacedTrack(track, first_input + n, check_audio(track)) for n, track in enumerate(tracks)
    ]


async def render_mix(
    exe: str,
    placed: Sequence[PlacedTrack],
    length: float,
    duck: bool,
    loudness: float | None,
    out: Path,
    codec: Sequence[str],
    progress: Progress,
    span: tuple[float, float] = (0.0, 1.0),
) -> float | None:
    """Run the two passes; `span` is the share of the caller's progress they cover.
    Returns the loudness of the raw mix (LUFS; None when not normalising)."""
    inputs = [arg for p in placed for arg in input_args(p.track)]
    graph = audio_graph(placed, length, duck, out="mix")
    middle = span[0] + (span[1] - span[0]) * 0.8
    if loudness is None:
        await run_ffmpeg(
            exe,
            [*inputs, "-filter_complex", graph, "-map", "[mix]", *_output(codec), str(out)],
            duration=length,
            progress=progress,
            span=span,
            message="mixing audio",
        )
        return None
    raw = out.with_name("premix.wav")
    measure = "[mix]asplit=2[keep][probe];[probe]loudnorm=print_format=json,anullsink"
    stderr = await run_ffmpeg(
        exe,
        [
            *inputs,
            "-filter_complex",
            f"{graph};{measure}",
            "-map",
            "[keep]",
            "-c:a",
            "pcm_f32le",
            str(raw),
        ],
        duration=length,
        progress=progress,
        span=(span[0], middle),
        message="mixing audio",
        loglevel="info",  # loudnorm prints its measurement at info level
    )
    measured = parse_loudnorm(stderr)
    gain = 0.0 if measured <= SILENCE_LUFS else loudness - measured
    level = f"volume={gain:.2f}dB,alimiter=limit={PEAK_LIMIT:.4f}:level=0:latency=1"
    await run_ffmpeg(
        exe,
        ["-i", str(raw), "-af", level, *_output(codec), str(out)],
        duration=length,
        progress=progress,
        span=(middle, span[1]),
        message="normalising loudness",
    )
    raw.unlink(missing_ok=True)
    return measured if measured > SILENCE_LUFS else None


def _output(codec: Sequence[str]) -> list[str]:
    return ["-ar", str(SAMPLE_RATE), "-ac", "2", *codec]


def parse_loudnorm(stderr: str) -> float:
    """Integrated loudness (LUFS) from loudnorm's JSON report; -inf for silence."""
    start, end = stderr.rfind("{"), stderr.rfind("}")
    if start < 0 or end < start:
        raise ProviderError("ffmpeg_failed", "ffmpeg did not report the mix loudness.")
    try:
        value = float(json.loads(stderr[start : end + 1])["input_i"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ProviderError("ffmpeg_failed", "Unreadable loudness report from ffmpeg.") from exc
    return value if math.isfinite(value) else float("-inf")
