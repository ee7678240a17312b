"""The embedded video engine's refusals and its FFmpeg plumbing: clear error codes,
nothing left behind, a missing or unfit FFmpeg reported, progress that only goes up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from creative_hub.providers.base import (
    AudioTrack,
    Capability,
    ClipRequest,
    ComposeRequest,
    ProviderError,
    TimedText,
)
from creative_hub.providers.local.ffmpeg import LocalImageToVideo, LocalVideoComposer
from creative_hub.providers.local.ffmpeg.binary import find_ffmpeg, load_ffmpeg
from creative_hub.providers.local.ffmpeg.runner import ProgressMapper, parse_out_time, run_ffmpeg
from creative_hub.settings import Settings
from tests.providers.video_support import Recorder, listing

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
