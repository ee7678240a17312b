"""`creative-hub models list` and `creative-hub generate ...`: try each engine alone, to files."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Awaitable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from creative_hub.providers.base import (
    ChatMessage,
    ClipRequest,
    ComposeRequest,
    ImageRequest,
    MusicRequest,
    ProviderError,
    SoundEffectRequest,
    SpeechRequest,
    TextRequest,
)
from creative_hub.providers.catalog import build_provider_registry
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.settings import get_settings

models_app = typer.Typer(help="The models and engines this hub offers.", no_args_is_help=True)
generate_app = typer.Typer(help="Run one engine and write its output file.", no_args_is_help=True)
T = TypeVar("T")

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output file")]


def _registry() -> ProviderRegistry:
    return build_provider_registry(get_settings())


def _run(work: Awaitable[T]) -> T:
    try:
        return asyncio.run(work)  # type: ignore[arg-type]
    except ProviderError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(1) from exc


def _move(source: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), out)
    typer.echo(f"wrote {out}")


@models_app.command("list")
def list_models() -> None:
    """Every capability's providers and models, and whether each is neural and available."""
    for info in _registry().describe():
        state = "available" if info.available else f"UNAVAILABLE: {info.unavailable_reason}"
        kind = "neural" if info.neural else "not neural"
        typer.echo(f"{info.capability.value:15} {info.name:8} {kind:10} {state}")
        typer.echo(f"{'':15} {info.label}")
        for model in info.models[:20]:
            typer.echo(f"{'':15}   - {info.name}/{model.id}  {model.name}")
        if len(info.models) > 20:
            typer.echo(f"{'':15}   ... and {len(info.models) - 20} more")


@generate_app.command("text")
def generate_text(
    prompt: Annotated[str, typer.Argument(help="What to ask")],
    max_tokens: Annotated[int, typer.Option()] = 200,
    system: Annotated[str, typer.Option(help="System prompt")] = "",
) -> None:
    """Stream a reply from the text model to standard output."""

    async def work() -> None:
        messages = [ChatMessage("system", system)] if system else []
        messages.append(ChatMessage("user", prompt))
        async for piece in _registry().text().stream(TextRequest(messages, max_tokens=max_tokens)):
            sys.stdout.write(piece)
            sys.stdout.flush()
        sys.stdout.write("\n")

    _run(work())


@generate_app.command("speech")
def generate_speech(
    text: Annotated[str, typer.Argument()],
    out: OutOption = Path("speech.wav"),
    voice: Annotated[str | None, typer.Option()] = None,
    speed: Annotated[float, typer.Option()] = 1.0,
) -> None:
    """Text to a WAV file."""

    async def work() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            request = SpeechRequest(text=text, voice=voice, speed=speed)
            result = await _registry().speech().synthesize(request, Path(scratch))
            _move(result.path, out)
            typer.echo(f"{result.duration:.2f} s, voice {result.info.get('voice')}")

    _run(work())


@generate_app.command("music")
def generate_music(
    prompt: Annotated[str, typer.Argument()] = "",
    out: OutOption = Path("music.wav"),
    mood: Annotated[str | None, typer.Option()] = None,
    duration: Annotated[float, typer.Option()] = 15.0,
    tempo: Annotated[int | None, typer.Option()] = None,
    seed: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Music of an exact duration from a mood or a prompt."""

    async def work() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            request = MusicRequest(duration, prompt, mood, tempo, seed)
            result = await _registry().music().compose(request, Path(scratch))
            _move(result.path, out)
            typer.echo(_describe(result.info))

    _run(work())


@generate_app.command("sfx")
def generate_sfx(
    prompt: Annotated[str, typer.Argument()],
    out: OutOption = Path("effect.wav"),
    duration: Annotated[float, typer.Option()] = 3.0,
    seed: Annotated[int | None, typer.Option()] = None,
) -> None:
    """A sound effect from the catalogue, chosen by the prompt's words."""

    async def work() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            request = SoundEffectRequest(prompt, duration, seed)
            result = await _registry().sound_effects().generate(request, Path(scratch))
            _move(result.path, out)
            typer.echo(_describe(result.info))

    _run(work())


@generate_app.command("image")
def generate_image(
    prompt: Annotated[str, typer.Argument()],
    out: OutOption = Path("image.png"),
    width: Annotated[int, typer.Option()] = 1280,
    height: Annotated[int, typer.Option()] = 720,
    seed: Annotated[int | None, typer.Option()] = None,
    style: Annotated[str | None, typer.Option()] = None,
) -> None:
    """An image (the storyboard renderer by default) as PNG."""

    async def work() -> None:
        request = ImageRequest(prompt=prompt, width=width, height=height, seed=seed, style=style)
        image = await _registry().image().generate(request)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(image.png)
        typer.echo(f"wrote {out} ({image.width}x{image.height}, seed {image.seed})")

    _run(work())


@generate_app.command("transcribe")
def transcribe(
    audio: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    language: Annotated[str | None, typer.Option()] = None,
    srt: Annotated[Path | None, typer.Option(help="Also write SRT subtitles here")] = None,
) -> None:
    """Print the transcript of an audio or video file."""
    from creative_hub.providers.local.subtitles import write_srt

    async def work() -> None:
        transcript = await _registry().transcription().transcribe(audio, language)
        typer.echo(transcript.text)
        if srt is not None:
            write_srt(srt, transcript.segments)
            typer.echo(f"wrote {srt}")

    _run(work())


@generate_app.command("video")
def generate_video(
    images: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    out: OutOption = Path("video.mp4"),
    audio: Annotated[list[Path], typer.Option(help="Narration track(s)")] = [],  # noqa: B006
    music: Annotated[Path | None, typer.Option(help="Background music")] = None,
    seconds_per_image: Annotated[float, typer.Option()] = 4.0,
    width: Annotated[int, typer.Option()] = 1280,
    height: Annotated[int, typer.Option()] = 720,
    fps: Annotated[int, typer.Option()] = 30,
) -> None:
    """One image: a camera-motion clip. Several: a composed film with crossfades and audio."""
    from creative_hub.providers.base import AudioTrack

    async def work() -> None:
        registry = _registry()
        with tempfile.TemporaryDirectory() as scratch:
            if len(images) == 1 and not audio and music is None:
                clip = ClipRequest(images[0], seconds_per_image, width, height, fps)
                result = await registry.image_to_video().animate(clip, Path(scratch))
            else:
                tracks = [AudioTrack(path=p, role="narration") for p in audio]
                if music is not None:
                    tracks.append(AudioTrack(path=music, role="music"))
                request = ComposeRequest(
                    visuals=images,
                    width=width,
                    height=height,
                    fps=fps,
                    image_duration=seconds_per_image,
                    audio=tracks,
                )
                result = await registry.video_compose().compose(request, Path(scratch))
            _move(result.path, out)
            typer.echo(
                f"{result.duration:.2f} s, {result.width}x{result.height} @ {result.fps} fps"
            )

    _run(work())


def _describe(info: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in info.items() if isinstance(v, str | int | float))


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
    app.add_typer(generate_app, name="generate")
