"""Final touches shared by music and sound effects: exact length, fades, loudness."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from creative_hub.providers.local.audio_io import FloatArray, normalize


def frames_for(duration: float, sample_rate: int) -> int:
    return round(duration * sample_rate)


def fit(samples: npt.ArrayLike, frames: int, sample_rate: int, fade_out: float) -> FloatArray:
    """Trim or zero-pad to exactly `frames`; a 5 ms fade-in and a raised-cosine fade-out."""
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    out = np.zeros((frames, data.shape[1]))
    keep = min(frames, data.shape[0])
    out[:keep] = data[:keep]
    fade_in = min(frames, int(0.005 * sample_rate))
    if fade_in:
        out[:fade_in] *= np.linspace(0.0, 1.0, fade_in)[:, None]
    fade = min(frames, int(fade_out * sample_rate))
    if fade:
        out[frames - fade :] *= ((1 + np.cos(np.linspace(0.0, np.pi, fade))) / 2)[:, None]
    return out.astype(np.float32)


def master(
    samples: npt.ArrayLike,
    frames: int,
    sample_rate: int,
    fade_out: float,
    target_dbfs: float = -16.0,
    ceiling: float = 0.95,
) -> FloatArray:
    """Exact length, fades, then loudness-normalised with peaks kept under `ceiling`."""
    return normalize(fit(samples, frames, sample_rate, fade_out), target_dbfs, ceiling)
