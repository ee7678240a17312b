"""Inputs made for the video engine tests, and ways to measure what it wrote."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_hub.providers.local.audio_io import write_wav

# -- inputs made here --------------------------------------------------------------------


def make_still(path: Path, seed: int, size: tuple[int, int] = (480, 270)) -> Path:
    """Gradients, shapes and edges everywhere, so any motion shows in every region."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    pixels = np.stack(
        [x * 255 / width, y * 255 / height, 128 + 100 * np.sin(x / 17 + y / 23)], axis=-1
    )
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        extent = int(rng.integers(width // 20, width // 6))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        draw.rectangle([x0, y0, x0 + extent, y0 + extent // 2], fill=colour)
    image.save(path)
    return path


def tone(path: Path, freq: float, seconds: float, amplitude: float, rate: int = 22050) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    write_wav(path, amplitude * np.sin(2 * np.pi * freq * t), rate)
    return path


# -- progress ---------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.fractions: list[float] = []
        self.first = asyncio.Event()

    async def __call__(self, fraction: float, _message: str | None = None) -> None:
        self.fractions.append(fraction)
        self.first.set()

    def assert_sane(self) -> None:
        assert self.fractions, "progress was never reported"
        assert all(b >= a for a, b in zip(self.fractions, self.fractions[1:], strict=False))
        assert self.fractions[-1] == pytest.approx(1.0)
        assert all(0.0 <= f <= 1.0 for f in self.fractions)


# -- reading outputs -------------------------------------------------------------------


def gray_frames(path: Path) -> list[np.ndarray[Any, Any]]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray").astype(np.float32) for f in container.decode(video=0)]


def frame_at(path: Path, seconds: float) -> np.ndarray[Any, Any]:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24").astype(np.float32)
    raise AssertionError(f"no frame at {seconds} s")


def decoded_audio(path: Path) -> tuple[np.ndarray[Any, Any], int]:
    """The first channel of the first audio stream, as float samples."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = [f.to_ndarray()[0] for f in container.decode(stream)]
        return np.concatenate(chunks).astype(np.float64), stream.codec_context.sample_rate


def listing(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def band_db(
    samples: np.ndarray[Any, Any], rate: int, start: float, end: float, freq: float
) -> float:
    """Level (dB, arbitrary reference) of one frequency in a time window."""
    window = samples[int(start * rate) : int(end * rate)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(window.size)))
    freqs = np.fft.rfftfreq(window.size, 1 / rate)
    peak = spectrum[(freqs > freq - 40) & (freqs < freq + 40)].max()
    return float(20 * np.log10(peak / window.size + 1e-12))


def content_shift(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> tuple[float, float]:
    """How far the picture moved from frame a to frame b (x right, y down), by phase
    correlation."""
    cross = np.fft.fft2(a - a.mean()) * np.conj(np.fft.fft2(b - b.mean()))
    corr = np.fft.ifft2(cross / (np.abs(cross) + 1e-9)).real
    row, col = np.unravel_index(np.argmax(corr), corr.shape)
    dy = row if row < corr.shape[0] / 2 else row - corr.shape[0]
    dx = col if col < corr.shape[1] / 2 else col - corr.shape[1]
    return -float(dx), -float(dy)


def top_level_boxes(path: Path) -> list[tuple[str, int]]:
    """(type, byte offset) of each top-level MP4 box."""
    boxes, data, offset = [], path.read_bytes(), 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:
            size = len(data) - offset
        boxes.append((kind, offset))
        offset += size
    return boxes
