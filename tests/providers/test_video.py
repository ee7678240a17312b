"""The embedded video engine (FFmpeg): clips with camera motion, composed films.

Every assertion is on a real output: files are probed with PyAV, frames and sound are
decoded and measured (video_support.py). Bad requests and the FFmpeg plumbing are in
test_video_errors.py.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from creative_hub.providers.base import (
    AudioTrack,
    ClipRequest,
    ComposeRequest,
    Motion,
    TimedText,
)
from creative_hub.providers.local.ffmpeg import LocalImageToVideo, LocalVideoComposer
from creative_hub.providers.local.ffmpeg.motion import MOTIONS, ZOOM
from creative_hub.providers.local.ffmpeg.picture import SEGMENT_SHOTS
from creative_hub.providers.local.media_probe import probe
from creative_hub.providers.local.subtitles import parse_srt, parse_vtt
from tests.providers.video_support import (
    Recorder,
    band_db,
    content_shift,
    decoded_audio,
    frame_at,
    gray_frames,
    listing,
    top_level_boxes,
)
from tests.support.processes import live_children

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
    assert live_children("ffmpeg"), "ffmpeg should be running"
    assert progress.fractions[0] < 0.9
    cancelled_at = time.perf_counter()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Promptly: the rest of the render would take many seconds.
    assert time.perf_counter() - cancelled_at < 3.0
    assert live_children("ffmpeg") == []
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
