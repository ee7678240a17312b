"""Render speed of the embedded music composer and sound effects.

    .venv/bin/python -m bench.music [--runs 3] [--seconds 30] [--sfx-seconds 10]

Seconds to render `--seconds` of music with FluidSynth (+ TimGM6mb) and with the numpy
fallback synthesizer, and each sound effect at `--sfx-seconds`, through the providers'
public calls (plan, score, render, master, WAV written). Wall time is what a user waits;
CPU includes the FluidSynth child process. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from creative_hub.providers.base import AudioResult, MusicRequest, SoundEffectRequest
from creative_hub.providers.local.music import LocalMusicGenerator
from creative_hub.providers.local.sfx import LocalSoundEffectGenerator
from creative_hub.settings import Settings

RERUN = ".venv/bin/python -m bench.music"
MOODS = ("happy", "epic", "calm", "upbeat", "sad")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def _timed(
    make: Callable[[int], Awaitable[AudioResult]], runs: int
) -> tuple[list[float], list[float], float]:
    """(wall seconds per run, CPU seconds per run, audio seconds of the last run)."""
    walls, cpus, audio = [], [], 0.0
    for i in range(runs):
        cpu, started = _cpu(), time.perf_counter()
        result = await make(i)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
        audio = result.duration
        result.path.unlink()
    return walls, cpus, audio


def _row(name: str, walls: list[float], cpus: list[float], audio: float) -> str:
    wall = statistics.median(walls)
    return (
        f"{name:34} {wall:7.2f} s {min(walls):7.2f} s {statistics.median(cpus):7.2f} s "
        f"{audio / wall:8.1f}x"
    )


async def run(runs: int, seconds: float, sfx_seconds: float, out: Path) -> None:
    fluid = LocalMusicGenerator(Settings())
    numpy_synth = LocalMusicGenerator(Settings(), use_fluidsynth=False)
    effects = LocalSoundEffectGenerator(Settings())
    header = f"{'render':34} {'median':>9} {'best':>9} {'CPU':>9} {'realtime':>9}"
    print(f"music benchmark: {seconds:g} s of music, {sfx_seconds:g} s per effect, {runs} run(s)")
    print(header)

    for name, generator in (
        (f"music {seconds:g} s, FluidSynth", fluid),
        (f"music {seconds:g} s, numpy synth", numpy_synth),
    ):
        if name.endswith("FluidSynth") and generator.renderer != "fluidsynth":
            print(f"{name:34} skipped: {generator.describe().supports['fluidsynth_unavailable']}")
            continue

        async def compose(i: int, generator: LocalMusicGenerator = generator) -> AudioResult:
            request = MusicRequest(duration=seconds, mood=MOODS[i % len(MOODS)], seed=i)
            return await generator.compose(request, out)

        print(_row(name, *await _timed(compose, runs)))

    for effect in effects.catalogue():

        async def generate(i: int, effect: str = effect) -> AudioResult:
            return await effects.generate(SoundEffectRequest(effect, sfx_seconds, seed=i), out)

        print(_row(f"sfx {effect} {sfx_seconds:g} s", *await _timed(generate, runs)))

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), "
        f"load average {os.getloadavg()[0]:.2f} at the end (other work skews wall times)"
    )
    print(f"rerun: {RERUN} --runs {runs} --seconds {seconds:g} --sfx-seconds {sfx_seconds:g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs of each render")
    parser.add_argument("--seconds", type=float, default=30.0, help="music duration")
    parser.add_argument("--sfx-seconds", type=float, default=10.0, help="effect duration")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-music-"))
    try:
        asyncio.run(run(max(1, args.runs), args.seconds, args.sfx_seconds, out))
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
