"""`creative-hub models list` and `creative-hub generate ...` write real files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from creative_hub.cli import app
from creative_hub.providers.local.media_probe import probe
from creative_hub.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CREATIVE_HUB_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_models_list_names_every_capability_truthfully() -> None:
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    for capability in (
        "text",
        "image",
        "image_to_video",
        "video_compose",
        "speech",
        "transcription",
        "music",
        "sound_effects",
    ):
        assert capability in result.output
    assert "storyboard renderer, not a neural model" in result.output


def test_generate_image_speech_and_sfx(tmp_path: Path) -> None:
    image = tmp_path / "frame.png"
    result = runner.invoke(
        app,
        ["generate", "image", "a red kite", "-o", str(image), "--width", "320", "--height", "180"],
    )
    assert result.exit_code == 0, result.output
    assert Image.open(image).size == (320, 180)

    speech = tmp_path / "hello.wav"
    result = runner.invoke(
        app, ["generate", "speech", "Hello from the command line.", "-o", str(speech)]
    )
    assert result.exit_code == 0, result.output
    assert probe(speech).duration > 1.0

    effect = tmp_path / "beep.wav"
    result = runner.invoke(app, ["generate", "sfx", "beep", "-o", str(effect), "--duration", "1"])
    assert result.exit_code == 0, result.output
    assert abs(probe(effect).duration - 1.0) < 0.02


def test_generate_reports_engine_errors_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["generate", "sfx", "a unicorn singing", "-o", str(tmp_path / "x.wav")]
    )
    assert result.exit_code == 1
    assert "unknown_sound_effect" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.wav").exists()
