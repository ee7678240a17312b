"""espeak-ng (formant synthesis, not neural) in a subprocess: languages Piper has no voice for."""

from __future__ import annotations

import asyncio
import struct

import numpy as np

from creative_hub.providers.base import ProviderError
from creative_hub.providers.local import cpu
from creative_hub.providers.local.audio_io import FloatArray

# espeak-ng's default rate, in words per minute, is what speed 1.0 means.
BASE_WPM = 175


async def espeak_sentence(
    binary: str, voice: str, text: str, speed: float
) -> tuple[FloatArray, int]:
    """(mono float32 samples, sample rate). The text goes through stdin, never argv, so a
    sentence starting with '-' is not read as an option. Killed if the caller is cancelled."""
    wpm = max(80, min(450, round(BASE_WPM * speed)))
    process = await asyncio.create_subprocess_exec(
        binary,
        "-v",
        voice,
        "-s",
        str(wpm),
        "-b",
        "1",  # input is UTF-8
        "--stdout",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    cpu.lower_process(process.pid)
    try:
        out, err = await process.communicate(text.encode("utf-8"))
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip() or f"exit status {process.returncode}"
        raise ProviderError("synthesis_failed", f"espeak-ng failed for voice {voice!r}: {detail}")
    return parse_wav_stream(out)


def parse_wav_stream(data: bytes) -> tuple[FloatArray, int]:
    """16-bit PCM WAV written to a pipe: espeak-ng cannot seek back, so the size fields are
    placeholders; the data chunk runs to the end of the stream."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ProviderError("synthesis_failed", "espeak-ng did not write a WAV stream")
    offset, rate, channels, bits = 12, 0, 1, 16
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if chunk == b"fmt ":
            _, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
        elif chunk == b"data":
            if bits != 16 or rate <= 0:
                raise ProviderError("synthesis_failed", "espeak-ng wrote an unexpected WAV format")
            pcm = data[body : min(len(data), body + size)]
            pcm = pcm[: len(pcm) - len(pcm) % (2 * channels)]
            samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
            return samples.reshape(-1, channels).mean(axis=1).astype(np.float32), rate
        offset = body + size + size % 2
    raise ProviderError("synthesis_failed", "espeak-ng's WAV stream has no audio data")
