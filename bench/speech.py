"""Speech and transcription speed of the embedded engines, on ~20 s of speech.

    .venv/bin/python -m bench.speech [--runs 3]

Real-time factor (RTF) = processing seconds / audio seconds; the targets are <= 0.2 for
Piper synthesis and for faster-whisper transcription. Cold figures include loading the
model; warm runs reuse it (as the server does). "CPU s per audio s" (all threads) does not
depend on what else the machine runs, unlike wall-clock RTF. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from creative_hub.providers.base import SpeechRequest
from creative_hub.providers.local.speech import LocalSpeechSynthesizer
from creative_hub.providers.local.whisper import LocalTranscriber
from creative_hub.settings import Settings

RERUN = ".venv/bin/python -m bench.speech"
TARGET_RTF = 0.2
ENGLISH = (
    "The old lighthouse keeper climbed the stairs every evening at sunset. "
    "He lit the lamp and watched the ships pass by. "
    "One stormy night, a small boat drifted toward the rocks. "
    "He rang the bell as loudly as he could. "
    "The sailors heard it and turned away just in time. "
    "In the morning, they came to thank him with fresh bread and warm coffee."
)
CHINESE = (
    "老灯塔看守人每天傍晚都会爬上楼梯。他点亮灯，看着船只经过。一个暴风雨的夜晚，一条小船漂向礁石。"
)


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref = re.sub(r"[^\w\s']", " ", reference.lower()).split()
    hyp = re.sub(r"[^\w\s']", " ", hypothesis.lower()).split()
    previous = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, start=1):
        current = [i]
        for j, other in enumerate(hyp, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1] / len(ref)


async def run(runs: int, out: Path) -> None:
    settings = Settings()
    synth, transcriber = LocalSpeechSynthesizer(settings), LocalTranscriber(settings)
    rows: list[tuple[str, str, str]] = []

    started = time.perf_counter()
    audio = await synth.synthesize(SpeechRequest(ENGLISH), out)
    cold = time.perf_counter() - started
    rows.append(("piper cold (load + synth)", f"{cold:.2f} s", f"{cold / audio.duration:.3f}"))
    piper_rtf, piper_cpu = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        audio = await synth.synthesize(SpeechRequest(ENGLISH), out)
        piper_rtf.append((time.perf_counter() - started) / audio.duration)
        piper_cpu.append((time.process_time() - cpu) / audio.duration)
    rows.append(_warm("piper warm", piper_rtf))
    rows.append(("piper CPU s per audio s", "", f"{statistics.median(piper_cpu):.3f}"))

    started = time.perf_counter()
    chinese = await synth.synthesize(SpeechRequest(CHINESE), out)
    espeak_rtf = (time.perf_counter() - started) / chinese.duration
    rows.append(
        ("espeak-ng (zh, not neural)", f"{chinese.duration:.1f} s audio", f"{espeak_rtf:.3f}")
    )

    started = time.perf_counter()
    transcript = await transcriber.transcribe(audio.path, "en")
    cold = time.perf_counter() - started
    rows.append(("whisper cold (load + run)", f"{cold:.2f} s", f"{cold / audio.duration:.3f}"))
    whisper_rtf, whisper_cpu = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        transcript = await transcriber.transcribe(audio.path, "en")
        whisper_rtf.append((time.perf_counter() - started) / audio.duration)
        whisper_cpu.append((time.process_time() - cpu) / audio.duration)
    rows.append(_warm("whisper warm (tiny.en)", whisper_rtf))
    rows.append(("whisper CPU s per audio s", "", f"{statistics.median(whisper_cpu):.3f}"))

    print(f"speech benchmark: {audio.duration:.1f} s of English speech, {runs} warm run(s)")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), "
        f"load average {os.getloadavg()[0]:.2f} at the end (other work skews wall-clock RTF)"
    )
    print(f"{'measure':30} {'time':>18} {'RTF':>8}")
    for name, when, rtf in rows:
        print(f"{name:30} {when:>18} {rtf:>8}")
    print(
        f"piper warm median RTF {statistics.median(piper_rtf):.3f} "
        f"({'meets' if statistics.median(piper_rtf) <= TARGET_RTF else 'misses'} <= {TARGET_RTF}); "
        f"whisper warm median RTF {statistics.median(whisper_rtf):.3f} "
        f"({'meets' if statistics.median(whisper_rtf) <= TARGET_RTF else 'misses'} <= {TARGET_RTF})"
    )
    print(f"round trip word error rate: {word_error_rate(ENGLISH, transcript.text):.1%}")
    print(f"rerun: {RERUN} --runs {runs}")


def _warm(name: str, rtfs: list[float]) -> tuple[str, str, str]:
    return (name, f"best {min(rtfs):.3f}", f"{statistics.median(rtfs):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="warm runs of each engine")
    out = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    try:
        asyncio.run(run(max(1, parser.parse_args().runs), out))
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
