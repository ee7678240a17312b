"""What workers run for images: generate (PNG + WebP thumbnail each), upscale."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from creative_hub.models.enums import TaskType
from creative_hub.providers.base import Capability, ImageGenerator, ImageRequest
from creative_hub.tasks.job_io import input_file, progress_between, save_output, workspace
from creative_hub.tasks.registry import JobContext, JobResult, default_registry
from creative_hub.usage.service import Usage


async def save_image(ctx: JobContext, png: bytes, name: str) -> dict[str, Any]:
    """The PNG and its small WebP thumbnail, both as the task's assets."""
    # Pillow and numpy load on first use, not at start-up.
    from creative_hub.providers.local.storyboard import thumbnail_webp

    image = await save_output(ctx, png, "image/png", f"{name}.png")
    thumb = await save_output(
        ctx, await asyncio.to_thread(thumbnail_webp, png), "image/webp", f"{name}-thumb.webp"
    )
    return {**image, "thumbnail_url": thumb["url"], "thumbnail_asset_id": thumb["asset_id"]}


@default_registry.handler(TaskType.image_generation)
async def generate_images(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    name, provider, model_id = ctx.runtime.providers.resolve(Capability.image, data.get("model"))
    generator: ImageGenerator = provider
    info = ctx.runtime.providers.info(Capability.image, name)
    count = int(data.get("count", 1))
    # One seed for the set; image i uses seed + i, so any one image can be made again.
    seed = data.get("seed")
    seed = int(seed) if seed is not None else random.SystemRandom().randrange(2**31 - 4)
    images: list[dict[str, Any]] = []
    tokens: dict[str, int] = {}  # the provider's own figures, summed over the set
    for i in range(count):
        await ctx.check_cancelled()
        await ctx.progress(int(100 * i / count), f"Image {i + 1} of {count}")
        result = await generator.generate(
            ImageRequest(
                prompt=data["prompt"],
                negative_prompt=data.get("negative_prompt", ""),
                width=int(data["width"]),
                height=int(data["height"]),
                seed=seed + i,
                style=data.get("style"),
                model=model_id,
                caption=data.get("caption"),
            ),
            # Remote generators report their steps (sampler, queue) within image i's share.
            progress_between(ctx, int(100 * i / count), int(100 * (i + 1) / count) - 1),
        )
        saved = await save_image(ctx, result.png, f"image-{i + 1}")
        for key, value in result.tokens.items():
            tokens[key] = tokens.get(key, 0) + value
        images.append(
            {**saved, "width": result.width, "height": result.height, "seed": result.seed}
        )
    usage = [Usage(Capability.image.value, info.name, "images", count, model_id)]
    if tokens.get("total_tokens"):  # billed by tokens (gpt-image): record its own count
        usage.append(
            Usage(Capability.image.value, info.name, "tokens", tokens["total_tokens"], model_id)
        )
    return JobResult(
        output_data={
            "images": images,
            "thumbnail_url": images[0]["thumbnail_url"],
            "seed": seed,
            "provider_label": info.label,
            "neural": info.neural,
            **({"tokens": tokens} if tokens else {}),
        },
        output_urls=[img["url"] for img in images],
        provider=info.name,
        model=model_id,
        usage=usage,
    )


@default_registry.handler(TaskType.image_upscale)
async def upscale_image(ctx: JobContext) -> JobResult:
    from creative_hub.providers.local.storyboard import upscale

    data = ctx.input_data
    scale = int(data["scale"])
    async with workspace(ctx) as scratch:
        asset, path = await input_file(ctx, data["asset_id"], scratch, "image")
        await ctx.progress(10, f"Upscaling {asset.filename} x{scale}")
        source = await asyncio.to_thread(path.read_bytes)
        png = await asyncio.to_thread(upscale, source, scale)
    saved = await save_image(ctx, png, f"upscaled-x{scale}")
    return JobResult(
        output_data={
            "images": [saved],
            "thumbnail_url": saved["thumbnail_url"],
            "scale": scale,
            "source_asset_id": str(asset.id),
        },
        output_urls=[saved["url"]],
        provider="local",
        model="lanczos",
        usage=[Usage(Capability.image.value, "local", "images", 1, "lanczos")],
    )
