"""Fixtures of the embedded video engine tests (test_video.py, test_video_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from creative_hub.providers.local.ffmpeg import LocalImageToVideo, LocalVideoComposer
from creative_hub.settings import Settings
from tests.providers.video_support import make_still, tone


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
def video_settings() -> Settings:
    return Settings(environment="test")


@pytest.fixture(scope="module")
def animator(video_settings: Settings) -> LocalImageToVideo:
    return LocalImageToVideo(video_settings)


@pytest.fixture(scope="module")
def composer(video_settings: Settings) -> LocalVideoComposer:
    return LocalVideoComposer(video_settings)
