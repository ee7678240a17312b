"""WAV in and out with numpy, and loudness normalisation: shared by the audio engines."""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


def write_wav(path: Path, samples: npt.ArrayLike, sample_rate: int) -> float:
    """Write float samples in [-1, 1], (n,) or (n, channels), as 16-bit PCM; returns seconds."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    pcm = (np.clip(data, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return float(pcm.shape[0]) / sample_rate


def read_wav(path: Path) -> tuple[FloatArray, int]:
    """(samples as float32 (n, channels), sample rate) from a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path.name}: only 16-bit PCM WAV is supported")
        raw = w.readframes(w.getnframes())
        channels, rate = w.getnchannels(), w.getframerate()
    data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return data.reshape(-1, channels), rate


def rms_dbfs(samples: npt.ArrayLike) -> float:
    data = np.asarray(samples, dtype=np.float64)
    rms = float(np.sqrt(np.mean(np.square(data)))) if data.size else 0.0
    return 20.0 * math.log10(rms) if rms > 0 else float("-inf")


def normalize(
    samples: FloatArray, target_dbfs: float = -16.0, peak_ceiling: float = 0.95
) -> FloatArray:
    """Scale to a target RMS loudness, never letting peaks pass the ceiling."""
    level = rms_dbfs(samples)
    if level == float("-inf"):
        return samples
    gain = 10.0 ** ((target_dbfs - level) / 20.0)
    peak = float(np.max(np.abs(samples))) * gain
    if peak > peak_ceiling:
        gain *= peak_ceiling / peak
    scaled: FloatArray = (samples * gain).astype(np.float32)
    return scaled
