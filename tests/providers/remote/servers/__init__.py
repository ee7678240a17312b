"""Local servers that speak the providers' real wire protocols (see ../shared/PROVIDERS.md).

Each module holds one provider: a state object the test can inspect and script (faults,
gates that hold a job mid-run), and a Starlette app built from it, which the tests run on
a free port (the `protocol_server` fixture), so adapters talk real HTTP and websockets.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field


@dataclass
class Fault:
    """What the next matching request gets instead of the normal answer."""

    status: int = 0  # an HTTP error with the provider's error body
    retry_after: int | None = None
    malformed: bool = False  # 200 with a body that is not the documented shape
    hang: bool = False  # never answers (until the server stops): for client timeouts


@dataclass
class Faults:
    """Faults queued for the next requests (first in, first out)."""

    queue: list[Fault] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, *faults: Fault) -> None:
        self.queue.extend(faults)

    def next(self) -> Fault | None:
        return self.queue.pop(0) if self.queue else None

    async def hang(self) -> None:
        await self.stop.wait()


def png_bytes(width: int, height: int, seed: int = 0, fmt: str = "PNG") -> bytes:
    """A real image of the asked size (what a model would have drawn), in `fmt`."""
    from PIL import Image

    colour = (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def tone_pcm(seconds: float, sample_rate: int, freq: float = 440.0) -> bytes:
    """16-bit little-endian mono PCM of a sine tone (audio a model would have made)."""
    import numpy as np

    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (np.sin(2 * np.pi * freq * t) * 8000).astype("<i2").tobytes()


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    return out.getvalue()
