"""The embedded video engine (FFmpeg): clips with camera motion, composed films, errors.

Every assertion is on a real output: files are probed with PyAV, frames and sound are
decoded and measured.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_hub.providers.base import (
    AudioTrack,
    Capability,
    ClipRequest,
    ComposeRequest,
    Motion,
    ProviderError,
    TimedText,
)
from creative_hub.providers.local.audio_io import write_wav
from creative_hub.providers.local.ffmpeg import LocalImageToVideo, LocalVideoComposer
from creative_hub.providers.local.ffmpeg.binary import find_ffmpeg, load_ffmpeg
from creative_hub.providers.local.ffmpeg.motion import MOTIONS, ZOOM
from creative_hub.providers.local.ffmpeg.picture import SEGMENT_SHOTS
from creative_hub.providers.local.ffmpeg.runner import ProgressMapper, parse_out_time, run_ffmpeg
from creative_hub.providers.local.media_probe import probe
from creative_hub.providers.local.subtitles import parse_srt, parse_vtt
from creative_hub.settings import Settings

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


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("video-media")
    not_media = root / "notes.txt"
    not_media.write_text("not a picture, not a sound")
    return {
        "still0": make_still(root / "still0.png", 0),
        "still1": make_still(root / "still1.png", 1),
        "still2": make_still(root / "still2.jpg", 2),
        "wide0": make_still(root / "wide0.png", 3, (1280, 720)),
        "wide1": make_still(root / "wide1.png", 4, (1280, 720)),
        "wide2": make_still(root / "wide2.png", 5, (1280, 720)),
        # Narration 300 Hz, music 1 kHz (1.5 s, so it must loop), an effect at 2.5 kHz.
        "narration": tone(root / "narration.wav", 300, 1.5, 0.3),
        "music": tone(root / "music.wav", 1000, 1.5, 0.2),
        "effect": tone(root / "effect.wav", 2500, 0.4, 0.3),
        "text": not_media,
    }


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(environment="test")


@pytest.fixture(scope="module")
def animator(settings: Settings) -> LocalImageToVideo:
    return LocalImageToVideo(settings)


@pytest.fixture(scope="module")
def composer(settings: Settings) -> LocalVideoComposer:
    return LocalVideoComposer(settings)


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


def ffmpeg_children() -> list[int]:
    """ffmpeg processes started by this test process (still running or unreaped)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if name.startswith("ffmpeg") and int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(entry.name))
    return found


# -- image to video --------------------------------------------------------------------


async def test_clip_has_the_requested_size_fps_and_duration(
    animator: LocalImageToVideo, media: dict[str, Path], tmp_path: Path
) -> None:
    progress = Recorder()
    result = await animator.animate(
        ClipRequest(media["still0"], 1.5, 320, 180, fps=24, motion="zoom_in"), tmp_path, progress
    )
    info = probe(result.path)
    assert (info.width, info.height, info.fps) == (320, 180, 24)
    assert info.video_codec == "h264" and not info.has_audio
    assert info.duration == pytest.approx(1.5, rel=0.02)
    assert len(gray_frames(result.path)) == 36  # exactly duration * fps
    assert (result.width, result.height, result.fps, result.has_audio) == (320, 180, 24, False)
    assert result.path.parent == tmp_path and result.path.suffix == ".mp4"
    assert listing(tmp_path) == [result.path]  # no scratch left behind
    progress.assert_sane()


@pytest.mark.parametrize("motion", MOTIONS)
async def test_each_motion_moves_the_picture_its_own_way(
    animator: LocalImageToVideo, media: dict[str, Path], tmp_path: Path, motion: Motion
) -> None:
    width, height = 192, 108
    result = await animator.animate(
        ClipRequest(media["still1"], 1.0, width, height, fps=12, motion=motion), tmp_path
    )
    frames = gray_frames(result.path)
    assert len(frames) == 12
    first, last = frames[0], frames[-1]
    change = float(np.abs(first - last).mean())
    if motion == "static":
        assert change < 1.5
        return
    assert change > 4.0
    dx, dy = content_shift(first, last)
    travel_x, travel_y = width * (ZOOM - 1), height * (ZOOM - 1)  # a pan crosses 1/6 of the frame
    expected = {
        "pan_right": (-travel_x, 0.0),  # the camera goes right: the picture slides left
        "pan_left": (travel_x, 0.0),
        "pan_down": (0.0, -travel_y),
        "pan_up": (0.0, travel_y),
    }
    if motion in expected:
        ex, ey = expected[motion]
        assert dx == pytest.approx(ex, abs=2) and dy == pytest.approx(ey, abs=2)


async def test_zooms_are_centred_and_mirror_each_other(
    animator: LocalImageToVideo, media: dict[str, Path], tmp_path: Path
) -> None:
    clips = {
        motion: gray_frames(
            (
                await animator.animate(
                    ClipRequest(media["still2"], 1.0, 192, 108, fps=12, motion=motion), tmp_path
                )
            ).path
        )
        for motion in ("zoom_in", "zoom_out", "static")
    }
    zoom_in, zoom_out, static = clips["zoom_in"], clips["zoom_out"], clips["static"]
    # Zooming in ends where zooming out starts (same centred crop), and starts on the
    # whole picture, like the static shot.
    assert np.abs(zoom_in[-1] - zoom_out[0]).mean() < 2.5
    assert np.abs(zoom_in[0] - static[0]).mean() < 2.5
    assert np.abs(zoom_in[0] - zoom_in[-1]).mean() > 4.0
    # A centred zoom keeps the centre in place.
    assert content_shift(zoom_in[0][44:64, 86:106], zoom_in[1][44:64, 86:106]) == (0.0, 0.0)


# -- composition -----------------------------------------------------------------------


async def test_three_stills_with_soundtrack_and_sidecars(
    composer: LocalVideoComposer, media: dict[str, Path], tmp_path: Path
) -> None:
    cues = [TimedText(0.2, 1.4, "Hello, world."), TimedText(2.0, 3.5, "你好，世界")]
    progress = Recorder()
    result = await composer.compose(
        ComposeRequest(
            visuals=[media["still0"], media["still1"], media["still2"]],
            width=320,
            height=180,
            fps=30,
            image_duration=2.0,
            crossfade=0.5,
            audio=[
                AudioTrack(media["narration"], "narration", offset=1.5),
                AudioTrack(media["music"], "music", gain_db=-6),
                AudioTrack(media["effect"], "effect", offset=4.3),
            ],
            subtitles=cues,
        ),
        tmp_path,
        progress,
    )
    expected = 3 * 2.0 - 2 * 0.5
    info = probe(result.path)
    assert (info.width, info.height, info.fps) == (320, 180, 30)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.duration == pytest.approx(expected, rel=0.02)
    assert info.video_duration is not None and info.audio_duration is not None
    assert abs(info.video_duration - info.audio_duration) <= 0.05
    assert result.duration == pytest.approx(expected) and result.has_audio
    assert len(gray_frames(result.path)) == 150

    boxes = [kind for kind, _ in top_level_boxes(result.path)]
    assert boxes.index("moov") < boxes.index("mdat")  # faststart

    assert set(result.sidecars) == {"srt", "vtt"}
    assert parse_srt(result.sidecars["srt"].read_text(encoding="utf-8")) == cues
    assert parse_vtt(result.sidecars["vtt"].read_text(encoding="utf-8")) == cues
    assert listing(tmp_path) == sorted([result.path, *result.sidecars.values()])

    samples, rate = decoded_audio(result.path)
    assert samples.size / rate == pytest.approx(expected, abs=0.05)
    # Narration only after its offset; the effect at its offset.
    assert band_db(samples, rate, 1.7, 2.9, 300) - band_db(samples, rate, 0.2, 1.3, 300) > 30
    assert band_db(samples, rate, 4.35, 4.65, 2500) - band_db(samples, rate, 3.2, 4.2, 2500) > 20
    # Music plays throughout (looped past its 1.5 s) but ducks under the narration.
    music_alone = band_db(samples, rate, 0.2, 1.3, 1000)
    music_under_voice = band_db(samples, rate, 1.9, 2.9, 1000)
    assert music_alone - music_under_voice >= 6
    assert band_db(samples, rate, 3.2, 4.2, 1000) > music_under_voice + 6
    progress.assert_sane()


async def test_no_audio_tracks_means_no_audio_stream(
    composer: LocalVideoComposer, media: dict[str, Path], tmp_path: Path
) -> None:
    result = await composer.compose(
        ComposeRequest(
            visuals=[media["still0"], media["still1"]],
            width=256,
            height=144,
            fps=25,
            image_duration=1.0,
            crossfade=0.0,  # a plain cut
        ),
        tmp_path,
    )
    info = probe(result.path)
    assert not result.has_audio and not info.has_audio and result.sidecars == {}
    assert info.duration == pytest.approx(2.0, rel=0.02)
    assert len(gray_frames(result.path)) == 50


async def test_video_clips_are_fitted_to_the_frame(
    animator: LocalImageToVideo,
    composer: LocalVideoComposer,
    media: dict[str, Path],
    tmp_path: Path,
) -> None:
    # A 4:3, 24 fps clip in a 16:9, 30 fps film: pillarboxed and resampled.
    clip = await animator.animate(
        ClipRequest(media["still0"], 1.5, 240, 180, fps=24, motion="pan_left"), tmp_path / "in"
    )
    result = await composer.compose(
        ComposeRequest(
            visuals=[clip.path, media["still1"]],
            width=320,
            height=180,
            fps=30,
            image_duration=1.5,
            crossfade=0.5,
        ),
        tmp_path / "out",
    )
    info = probe(result.path)
    assert (info.width, info.height, info.fps) == (320, 180, 30)
    assert info.duration == pytest.approx(2.5, rel=0.02)
    first = frame_at(result.path, 0.0)
    assert first[:, :30].mean() < 20 and first[:, -30:].mean() < 20  # black bars
    assert first[:, 60:260].mean() > 40


async def test_long_films_render_in_segments_with_exact_timing(
    composer: LocalVideoComposer, media: dict[str, Path], tmp_path: Path
) -> None:
    stills = [media["still0"], media["still1"], media["still2"]] * 4  # 12 shots: 2 parts
    assert len(stills) > SEGMENT_SHOTS
    progress = Recorder()
    result = await composer.compose(
        ComposeRequest(
            visuals=stills, width=160, height=90, fps=12, image_duration=1.0, crossfade=0.25
        ),
        tmp_path,
        progress,
    )
    frames = gray_frames(result.path)
    assert len(frames) == 12 * 12 - 11 * 3
    assert probe(result.path).duration == pytest.approx(111 / 12, rel=0.02)

    # Shot 8 (the first of the second part) is shot 2 again (still2 zooming out, since
    # stills cycle by 3 and motions by 6): their middle frames match, so the parts
    # join at the right frames.
    def middle(shot: int) -> np.ndarray[Any, Any]:
        return frames[shot * (12 - 3) + 6]

    assert np.abs(middle(2) - middle(8)).mean() < 3.0
    assert np.abs(middle(2) - middle(7)).mean() > 5.0
    assert np.abs(middle(2) - middle(9)).mean() > 5.0
    progress.assert_sane()
    assert listing(tmp_path) == [result.path]


async def test_burned_subtitles_draw_in_the_subtitle_area(
    composer: LocalVideoComposer, media: dict[str, Path], tmp_path: Path
) -> None:
    def request(burn: bool) -> ComposeRequest:
        return ComposeRequest(
            visuals=[media["still0"]],
            width=320,
            height=180,
            fps=15,
            image_duration=2.0,
            subtitles=[TimedText(0.0, 2.0, "你好，世界 Hello")],
            burn_subtitles=burn,
        )

    plain = await composer.compose(request(False), tmp_path / "plain")
    burned = await composer.compose(request(True), tmp_path / "burned")
    a, b = frame_at(plain.path, 1.0), frame_at(burned.path, 1.0)
    bottom = np.abs(a[135:, 40:280] - b[135:, 40:280]).mean()
    top = np.abs(a[:90] - b[:90]).mean()
    assert bottom > 8 and top < 2
    assert burned.sidecars.keys() == {"srt", "vtt"}


async def test_cancelling_kills_ffmpeg_and_leaves_nothing(
    composer: LocalVideoComposer, media: dict[str, Path], tmp_path: Path
) -> None:
    progress = Recorder()
    task = asyncio.create_task(
        composer.compose(
            ComposeRequest(
                visuals=[media["wide0"], media["wide1"], media["wide2"]],
                width=640,
                height=360,
                fps=30,
                image_duration=15.0,
                crossfade=0.5,
            ),
            tmp_path,
            progress,
        )
    )
    await asyncio.wait_for(progress.first.wait(), timeout=60)
    assert ffmpeg_children(), "ffmpeg should be running"
    assert progress.fractions[0] < 0.9
    cancelled_at = time.perf_counter()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Promptly: the rest of the render would take many seconds.
    assert time.perf_counter() - cancelled_at < 3.0
    assert ffmpeg_children() == []
    assert listing(tmp_path) == []


async def test_a_realistic_720p_film(
    composer: LocalVideoComposer, media: dict[str, Path], tmp_path: Path
) -> None:
    result = await composer.compose(
        ComposeRequest(
            visuals=[media["wide0"], media["wide1"], media["wide2"]],
            width=1280,
            height=720,
            fps=30,
            image_duration=2.0,
            crossfade=0.5,
            audio=[
                AudioTrack(media["narration"], "narration", offset=1.0),
                AudioTrack(media["narration"], "narration", offset=3.2),
                AudioTrack(media["music"], "music", gain_db=-10),
            ],
            subtitles=[TimedText(1.0, 2.5, "第一幕"), TimedText(3.2, 4.7, "Act two")],
            burn_subtitles=True,
        ),
        tmp_path,
    )
    info = probe(result.path)
    assert (info.width, info.height, info.fps) == (1280, 720, 30)
    assert info.duration == pytest.approx(5.0, rel=0.02)
    assert (info.video_codec, info.audio_codec, info.sample_rate) == ("h264", "aac", 48000)
    assert info.video_duration is not None and info.audio_duration is not None
    assert abs(info.video_duration - info.audio_duration) <= 0.05
    samples, _ = decoded_audio(result.path)
    level = 20 * np.log10(np.sqrt(np.mean(samples**2)))
    assert -24 < level < -12  # normalised towards -16 LUFS, not silent, not clipped
    assert np.abs(samples).max() < 0.99


# -- errors ----------------------------------------------------------------------------

Build = Callable[[dict[str, Path]], ComposeRequest]


def _request(**changes: Any) -> Build:
    def build(media: dict[str, Path]) -> ComposeRequest:
        values: dict[str, Any] = {
            "visuals": [media["still0"], media["still1"]],
            "width": 320,
            "height": 180,
            "image_duration": 2.0,
            "crossfade": 0.5,
        }
        for key, value in changes.items():
            values[key] = value(media) if callable(value) else value
        return ComposeRequest(**values)

    return build


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (_request(visuals=[]), "no_visuals"),
        (_request(width=321), "invalid_size"),
        (_request(width=32), "invalid_size"),
        (_request(width=1920, height=1920), "invalid_size"),
        (_request(fps=0), "invalid_fps"),
        (_request(fps=61), "invalid_fps"),
        (_request(image_duration=0.2), "invalid_duration"),
        (_request(visuals=lambda m: [m["still0"]] * 11, image_duration=59.0), "invalid_duration"),
        (_request(crossfade=2.0), "invalid_crossfade"),
        (_request(crossfade=-0.1), "invalid_crossfade"),
        (_request(visuals=lambda m: [m["still0"], m["text"]]), "input_unreadable"),
        (_request(visuals=lambda m: [m["still0"].with_name("gone.png")]), "input_missing"),
        (_request(audio=lambda m: [AudioTrack(m["text"])]), "input_unreadable"),
        (_request(audio=lambda m: [AudioTrack(m["music"], gain_db=60)]), "invalid_track"),
        (_request(subtitles=[TimedText(2.0, 1.0, "backwards")]), "invalid_subtitles"),
    ],
)
async def test_bad_compose_requests_get_clear_codes(
    composer: LocalVideoComposer,
    media: dict[str, Path],
    tmp_path: Path,
    build: Build,
    code: str,
) -> None:
    with pytest.raises(ProviderError) as caught:
        await composer.compose(build(media), tmp_path)
    assert caught.value.code == code and caught.value.message
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"motion": "spin"}, "invalid_motion"),
        ({"width": 2000}, "invalid_size"),
        ({"height": 181}, "invalid_size"),
        ({"duration": 61.0}, "invalid_duration"),
        ({"duration": 0.5, "fps": 1}, "invalid_duration"),
        ({"image": "text"}, "input_unreadable"),
        ({"image": "music"}, "input_unreadable"),
    ],
)
async def test_bad_clip_requests_get_clear_codes(
    animator: LocalImageToVideo,
    media: dict[str, Path],
    tmp_path: Path,
    changes: dict[str, Any],
    code: str,
) -> None:
    values: dict[str, Any] = {
        "image": media["still0"],
        "duration": 1.0,
        "width": 320,
        "height": 180,
        **changes,
    }
    if isinstance(values["image"], str):
        values["image"] = media[values["image"]]
    with pytest.raises(ProviderError) as caught:
        await animator.animate(ClipRequest(**values), tmp_path)
    assert caught.value.code == code
    assert listing(tmp_path) == []


# -- plumbing --------------------------------------------------------------------------


def test_describe_tells_the_truth(
    animator: LocalImageToVideo, composer: LocalVideoComposer
) -> None:
    for provider, capability in (
        (animator, Capability.image_to_video),
        (composer, Capability.video_compose),
    ):
        info = provider.describe()
        assert info.capability == capability and info.available and info.local
        assert not info.neural and "FFmpeg" in info.label


def test_a_configured_ffmpeg_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    info = LocalVideoComposer(Settings(ffmpeg_path=str(tmp_path / "nope"))).describe()
    assert not info.available and info.unavailable_reason
    with pytest.raises(ProviderError) as caught:
        find_ffmpeg(str(tmp_path / "nope"))
    assert caught.value.code == "ffmpeg_missing"


def test_an_ffmpeg_without_the_needed_filters_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'ffmpeg version 0.1'\n")
    fake.chmod(0o755)
    with pytest.raises(ProviderError) as caught:
        load_ffmpeg(str(fake))
    assert caught.value.code == "ffmpeg_incomplete" and "libx264" in caught.value.message


async def test_compose_with_a_missing_ffmpeg_fails_cleanly(
    media: dict[str, Path], tmp_path: Path
) -> None:
    composer = LocalVideoComposer(Settings(ffmpeg_path=str(tmp_path / "nope")))
    with pytest.raises(ProviderError) as caught:
        await composer.compose(ComposeRequest(visuals=[media["still0"]]), tmp_path / "out")
    assert caught.value.code == "ffmpeg_missing"


async def test_runner_reports_progress_and_failures(tmp_path: Path) -> None:
    progress = Recorder()
    await run_ffmpeg(
        find_ffmpeg(),
        ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", str(tmp_path / "a.wav")],
        duration=3.0,
        progress=progress,
    )
    progress.assert_sane()
    with pytest.raises(ProviderError) as caught:
        await run_ffmpeg(find_ffmpeg(), ["-i", str(tmp_path / "missing.wav"), "x.wav"], duration=1)
    assert caught.value.code == "ffmpeg_failed" and "missing.wav" in caught.value.message
    # The message reaches users: the file is named, the server's folders are not.
    assert str(tmp_path) not in caught.value.message


async def test_progress_mapper_only_goes_up() -> None:
    seen: list[float] = []

    async def record(fraction: float, _message: str | None = None) -> None:
        seen.append(fraction)

    mapper = ProgressMapper(record, duration=10.0, start=0.2, end=0.6)
    for seconds in (1.0, 0.5, 5.0, 5.01, 12.0):
        await mapper.update(seconds, None)
    assert seen == pytest.approx([0.24, 0.4, 0.6])
    assert parse_out_time("N/A") is None and parse_out_time("1500000") == 1.5
