"""Render a MIDI file with the FluidSynth command-line program and a General MIDI soundfont.

FluidSynth writes raw little-endian float32 stereo (no clipping inside the synth;
loudness is set afterwards). It runs as a subprocess that is killed if the asyncio
task is cancelled; progress comes from the output file's growth. FluidSynth keeps
rendering until every voice has died away (seconds of release and silence past
the score), so it is stopped as soon as the file holds the frames we need.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from creative_hub.providers.base import Progress, ProviderError
from creative_hub.providers.local import cpu
from creative_hub.providers.local.audio_io import FloatArray

DEFAULT_SOUNDFONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
# FluidSynth's master gain: low enough to leave float headroom, high enough to be precise.
GAIN = 0.5
POLL_SECONDS = 0.05
FRAME_BYTES = 8  # stereo float32


@dataclass(frozen=True)
class FluidSynth:
    binary: str
    soundfont: Path

    @property
    def label(self) -> str:
        return f"procedural composer, FluidSynth + {self.soundfont.stem}"


def find_fluidsynth(soundfont_path: str) -> tuple[FluidSynth | None, str | None]:
    """(the FluidSynth setup, None) or (None, why it cannot be used)."""
    soundfont = Path(soundfont_path) if soundfont_path else DEFAULT_SOUNDFONT
    binary = shutil.which("fluidsynth")
    if binary is None:
        return None, "the fluidsynth program is not installed"
    if not soundfont.is_file():
        return None, f"no soundfont at {soundfont}"
    return FluidSynth(binary, soundfont), None


async def render_midi(
    synth: FluidSynth,
    midi: Path,
    work_dir: Path,
    sample_rate: int,
    frames: int,
    progress: Progress,
    time_limit: float,
) -> FloatArray:
    """The first `frames` (frames, 2) of the MIDI file's audio, float32 (fewer if it ends
    sooner). The raw file is left in work_dir for the caller to remove."""
    raw = work_dir / "render.f32"
    process = await asyncio.create_subprocess_exec(
        synth.binary,
        "-ni",
        "-q",
        "-F",
        str(raw),
        "-T",
        "raw",
        "-O",
        "float",
        "-E",
        "little",
        "-r",
        str(sample_rate),
        "-g",
        str(GAIN),
        str(synth.soundfont),
        str(midi),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    cpu.lower_process(process.pid)
    communicate = asyncio.ensure_future(process.communicate())
    needed = frames * FRAME_BYTES
    enough = False
    try:
        async with asyncio.timeout(time_limit):
            while not communicate.done():
                await asyncio.wait({communicate}, timeout=POLL_SECONDS)
                try:
                    size = raw.stat().st_size
                except OSError:  # not created yet
                    size = 0
                if size >= needed and not communicate.done():
                    enough = True
                    break
                await progress(min(0.99, size / needed), "rendering with FluidSynth")
        stderr = b"" if enough else communicate.result()[1]
    except TimeoutError:
        raise ProviderError(
            "music_render_timeout", f"FluidSynth did not finish within {time_limit:.0f} s."
        ) from None
    finally:
        if process.returncode is None:
            process.kill()
        # Reap the process and its pipe reader even while being cancelled.
        with contextlib.suppress(BaseException):
            await asyncio.shield(communicate)
    if not enough and (process.returncode != 0 or not raw.is_file()):
        detail = stderr.decode(errors="replace").strip()[-500:]
        raise ProviderError(
            "music_render_failed", f"FluidSynth exited with {process.returncode}: {detail}"
        )
    data = np.fromfile(raw, dtype="<f4", count=2 * frames)
    return data[: len(data) // 2 * 2].reshape(-1, 2).astype(np.float32)
