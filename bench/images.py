"""Speed of the embedded image engine: storyboard frames, Lanczos upscaling, thumbnails.

    .venv/bin/python -m bench.images [--runs 8]

Frames go through StoryboardRenderer.generate (the path the server uses: a worker
thread, PNG encoding included) with a different prompt and seed each run, English and
Chinese. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time

from creative_hub.providers.base import ImageRequest
from creative_hub.providers.local.storyboard import StoryboardRenderer, thumbnail_webp, upscale
from creative_hub.settings import Settings

RERUN = ".venv/bin/python -m bench.images"
PROMPTS = (
    ("night forest with an owl", "An owl watches the forest as the moon rises over the pines."),
    ("golden sunset over the ocean", "Scene 3: the fishing boat returns home at sunset."),
    ("夜晚的城市街道", "夜晚的城市，霓虹灯下的街道空无一人。"),
    ("snowy mountains in winter", "Snowy peaks at first light."),
    ("a cozy coffee shop", "She opens the café at dawn; the first coffee of the day steams."),
    ("stormy sea, lightning", "The storm breaks over the harbour."),
)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"mean {statistics.mean(samples):7.1f} ms  median {statistics.median(samples):7.1f} ms  "
        f"p95 {p95:7.1f} ms  (n={len(samples)})"
    )


async def frames(renderer: StoryboardRenderer, width: int, height: int, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        prompt, caption = PROMPTS[i % len(PROMPTS)]
        started = time.perf_counter()
        await renderer.generate(ImageRequest(prompt, width, height, seed=i, caption=caption))
        out.append((time.perf_counter() - started) * 1000)
    return out


async def run(runs: int) -> None:
    renderer = StoryboardRenderer(Settings())
    started = time.perf_counter()
    first = await renderer.generate(ImageRequest("warm-up", 1280, 720, seed=0))
    cold = (time.perf_counter() - started) * 1000

    rows = [("first frame 1280x720 (fonts load)", f"{cold:7.1f} ms")]
    for width, height in ((1280, 720), (1920, 1080)):
        rows.append((f"frame {width}x{height}", _ms(await frames(renderer, width, height, runs))))

    half = await renderer.generate(ImageRequest("ocean", 960, 540, seed=1))
    for label, data, scale in (
        ("upscale 960x540 x2", half.png, 2),
        ("upscale 960x540 x4", half.png, 4),
    ):
        samples = []
        for _ in range(max(2, runs // 2)):
            started = time.perf_counter()
            await asyncio.to_thread(upscale, data, scale)
            samples.append((time.perf_counter() - started) * 1000)
        rows.append((label, _ms(samples)))
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        thumbnail_webp(first.png)
        samples.append((time.perf_counter() - started) * 1000)
    rows.append(("thumbnail 1280x720 -> 256 WebP", _ms(samples)))

    print(
        f"Storyboard image engine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(f"rerun: {RERUN} --runs {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(run(args.runs))


if __name__ == "__main__":
    main()
