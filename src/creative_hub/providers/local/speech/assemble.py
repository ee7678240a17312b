"""Sentence clips -> one WAV with natural pauses, and each sentence's start and end."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from creative_hub.providers.base import TimedText
from creative_hub.providers.local.audio_io import FloatArray, normalize, write_wav
from creative_hub.providers.local.speech.sentences import Sentence


def trim_silence(
    samples: FloatArray, rate: int, threshold_dbfs: float = -45.0, margin: float = 0.03
) -> FloatArray:
    """Drop leading and trailing near-silence (10 ms frames), keeping a short margin, so the
    pause between sentences is the one we choose and timings hug the speech."""
    frame = max(1, rate // 100)
    count = len(samples) // frame
    if count == 0:
        return samples
    frames = samples[: count * frame].reshape(count, frame).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    loud = np.flatnonzero(rms > 10.0 ** (threshold_dbfs / 20.0))
    if loud.size == 0:
        return samples[:0]
    pad = round(margin * rate)
    start = max(0, int(loud[0]) * frame - pad)
    end = min(len(samples), (int(loud[-1]) + 1) * frame + pad)
    return samples[start:end]


def join_sentences(
    clips: Sequence[tuple[Sentence, FloatArray]], rate: int, speed: float
) -> tuple[FloatArray, tuple[TimedText, ...]]:
    """Concatenate with each sentence's pause (shorter at higher speed); the segments are
    ordered, do not overlap, start at 0 and end at the last sample."""
    parts: list[FloatArray] = []
    segments: list[TimedText] = []
    position = 0
    spoken = [(s, clip) for s, clip in clips if len(clip)]
    for index, (sentence, clip) in enumerate(spoken):
        if index:
            gap = np.zeros(round(spoken[index - 1][0].pause / speed * rate), dtype=np.float32)
            parts.append(gap)
            position += len(gap)
        parts.append(clip)
        segments.append(TimedText(position / rate, (position + len(clip)) / rate, sentence.text))
        position += len(clip)
    audio = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return normalize(audio.astype(np.float32, copy=False)), tuple(segments)


async def write_output(out_dir: Path, samples: FloatArray, rate: int) -> tuple[Path, float]:
    """Write `speech-<id>.wav` under a temporary name and rename it when complete. If the
    caller is cancelled, the write (milliseconds) is let finish, then removed: no partial
    file is left and nothing writes after we clean up."""
    name = f"speech-{uuid.uuid4().hex}.wav"
    partial = out_dir / f".{name}.partial"
    job = asyncio.ensure_future(asyncio.to_thread(_write, partial, samples, rate))
    try:
        duration = await asyncio.shield(job)
    except BaseException:
        with contextlib.suppress(BaseException):
            await job
        partial.unlink(missing_ok=True)
        raise
    final = out_dir / name
    os.replace(partial, final)
    return final, duration


def _write(path: Path, samples: FloatArray, rate: int) -> float:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_wav(path, samples, rate)
