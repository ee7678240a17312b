"""Where the ffmpeg binary is: settings.ffmpeg_path, else the one in the imageio-ffmpeg wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from creative_hub.providers.base import ProviderError

# Filters and encoders the video engine relies on; a binary without one is unusable.
REQUIRED_FILTERS = ("zoompan", "xfade", "sidechaincompress", "loudnorm", "subtitles", "amix")
REQUIRED_ENCODERS = ("libx264", "aac")


@dataclass(frozen=True)
class FFmpeg:
    """A located, checked ffmpeg binary."""

    path: str
    version: str


def find_ffmpeg(configured: str = "") -> str:
    """The path to run, without starting it (cheap: used by describe())."""
    if configured:
        # A bare name ("ffmpeg") is looked up on PATH.
        path = Path(shutil.which(configured) or configured).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ProviderError(
                "ffmpeg_missing",
                f"ffmpeg_path {configured!r} is not an executable file; fix the setting "
                "CREATIVE_HUB_FFMPEG_PATH or leave it empty to use the packaged binary.",
            )
        return str(path)
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped]

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise ProviderError(
            "ffmpeg_missing",
            "No ffmpeg binary: install imageio-ffmpeg or set CREATIVE_HUB_FFMPEG_PATH.",
        ) from exc
    return str(exe)


def load_ffmpeg(configured: str = "") -> FFmpeg:
    """Locate ffmpeg and check it has what the engine needs (blocking: run in a thread)."""
    path = find_ffmpeg(configured)
    version = (_run(path, "-version").splitlines() or [""])[0]
    filters = _run(path, "-filters")
    encoders = _run(path, "-encoders")
    missing = [f for f in REQUIRED_FILTERS if f" {f} " not in filters]
    missing += [e for e in REQUIRED_ENCODERS if f" {e} " not in encoders]
    if missing:
        raise ProviderError(
            "ffmpeg_incomplete",
            f"{path} lacks {', '.join(missing)}; use an ffmpeg built with libx264 and libass "
            "(the imageio-ffmpeg wheel has them).",
        )
    return FFmpeg(path=path, version=version)


def _run(path: str, flag: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [path, "-hide_banner", flag], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise ProviderError("ffmpeg_missing", f"{path} does not run: {exc}") from exc
    return done.stdout
