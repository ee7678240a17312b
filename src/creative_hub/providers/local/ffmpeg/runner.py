"""Run ffmpeg as an async subprocess: progress from `-progress pipe:1`, kill on cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from creative_hub.providers.base import Progress, ProviderError, no_progress
from creative_hub.providers.local import cpu

_ABSOLUTE_PATH = re.compile(r"/(?:[^/\s'\":;,]+/)+[^/\s'\":;,]*")

# How much of ffmpeg's stderr to keep for error messages (and loudnorm's JSON report).
_STDERR_LINES = 200
# Report at most this often (fraction steps), so callers' event streams stay calm.
_MIN_STEP = 0.01


class ProgressMapper:
    """Turns ffmpeg's out_time into a fraction of [start, end] of the whole job, increasing."""

    def __init__(
        self, progress: Progress, duration: float, start: float = 0.0, end: float = 1.0
    ) -> None:
        self._progress = progress
        self._duration = max(duration, 1e-6)
        self._start = start
        self._end = end
        self.last = start

    async def update(self, seconds: float, message: str | None) -> None:
        done = min(max(seconds / self._duration, 0.0), 1.0)
        fraction = self._start + (self._end - self._start) * done
        if fraction - self.last >= _MIN_STEP or (done >= 1.0 and fraction > self.last):
            self.last = fraction
            await self._progress(fraction, message)


def parse_out_time(value: str) -> float | None:
    """Seconds from an `out_time_us=` value (may be "N/A" before the first frame)."""
    try:
        return int(value) / 1_000_000
    except ValueError:
        return None


async def run_ffmpeg(
    ffmpeg: str,
    args: Sequence[str],
    *,
    duration: float,
    progress: Progress = no_progress,
    span: tuple[float, float] = (0.0, 1.0),
    message: str | None = None,
    cwd: Path | None = None,
    loglevel: str = "error",
) -> str:
    """Run `ffmpeg <args>` to completion; returns the tail of stderr.

    `duration` is the length of the output in seconds (what out_time counts towards).
    If the calling task is cancelled, ffmpeg is killed before the cancellation goes on;
    the caller removes whatever it was writing.
    """
    command = [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        loglevel,
        "-progress",
        "pipe:1",
        "-y",
        *args,
    ]
    mapper = ProgressMapper(progress, duration, *span)
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=str(cwd) if cwd else None,
        )
    except OSError as exc:
        raise ProviderError("ffmpeg_missing", f"Cannot start ffmpeg: {exc.strerror}.") from exc
    cpu.lower_process(process.pid)
    assert process.stdout is not None and process.stderr is not None
    errors: deque[str] = deque(maxlen=_STDERR_LINES)
    stderr_task = asyncio.create_task(_collect(process.stderr, errors))
    try:
        out_time: float | None = None
        async for raw in process.stdout:
            key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
            if key == "out_time_us":
                out_time = parse_out_time(value) or out_time
            elif key == "progress" and out_time is not None:
                await mapper.update(out_time, message)
        returncode = await process.wait()
        await stderr_task
    except BaseException:
        # Cancelled (or the progress callback failed): ffmpeg must not outlive the job.
        if process.returncode is None:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await asyncio.shield(process.wait())
        stderr_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stderr_task
        raise
    tail = "\n".join(errors)
    if returncode != 0:
        last = "; ".join(line for line in list(errors)[-4:] if line) or "no message"
        # The message reaches users (a task's error): name files, never server paths.
        last = _ABSOLUTE_PATH.sub(lambda m: Path(m.group(0)).name, last)
        raise ProviderError("ffmpeg_failed", f"ffmpeg exited with code {returncode}: {last}")
    await mapper.update(duration, message)
    return tail


async def _collect(stream: asyncio.StreamReader, lines: deque[str]) -> None:
    async for raw in stream:
        lines.append(raw.decode("utf-8", "replace").rstrip())
