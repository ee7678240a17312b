"""mix_audio (the soundtrack mixer the video and audio APIs share), on real WAV files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from creative_hub.providers.base import AudioTrack, ProviderError
from creative_hub.providers.local.audio_io import read_wav, rms_dbfs
from creative_hub.providers.local.ffmpeg import mix_audio
from creative_hub.providers.local.media_probe import probe
from tests.providers.video_support import tone


@pytest.fixture(scope="module")
def wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("mix-media")
    text = root / "notes.txt"
    text.write_text("no sound here")
    return {
        "voice": tone(root / "voice.wav", 500, 2.0, 0.3),
        "quiet_voice": tone(root / "quiet.wav", 500, 2.0, 0.02),
        "music": tone(root / "music.wav", 1000, 1.0, 0.2, rate=44100),
        "click": tone(root / "click.wav", 3000, 0.3, 0.5),
        "text": text,
    }


def listing(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def band_db(
    samples: np.ndarray[Any, Any], rate: int, start: float, end: float, freq: float
) -> float:
    window = samples[int(start * rate) : int(end * rate), 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(window * np.hanning(window.size)))
    freqs = np.fft.rfftfreq(window.size, 1 / rate)
    peak = spectrum[(freqs > freq - 40) & (freqs < freq + 40)].max()
    return float(20 * np.log10(peak / window.size + 1e-12))


async def test_tracks_are_placed_at_their_offsets(wavs: dict[str, Path], tmp_path: Path) -> None:
    fractions: list[float] = []

    async def progress(fraction: float, _message: str | None = None) -> None:
        fractions.append(fraction)

    result = await mix_audio(
        [
            AudioTrack(wavs["voice"], "narration", offset=1.0),
            AudioTrack(wavs["click"], "effect", offset=3.5),
        ],
        tmp_path / "mix.wav",
        progress=progress,
    )
    samples, rate = read_wav(result.path)
    # No duration given: up to the end of the last non-music track.
    assert result.duration == pytest.approx(3.8) and samples.shape == (round(3.8 * 48000), 2)
    assert rate == result.sample_rate == 48000
    assert rms_dbfs(samples[: int(0.9 * rate)]) < -60  # silence before the narration
    assert rms_dbfs(samples[int(1.2 * rate) : int(2.8 * rate)]) > -30
    assert band_db(samples, rate, 3.5, 3.8, 3000) - band_db(samples, rate, 1.5, 2.5, 3000) > 30
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert listing(tmp_path) == [result.path]


async def test_loudness_is_normalised(wavs: dict[str, Path], tmp_path: Path) -> None:
    levels, before = [], []
    for name in ("voice", "quiet_voice"):  # 0.3 and 0.02 amplitude: 23.5 dB apart
        result = await mix_audio([AudioTrack(wavs[name])], tmp_path / f"{name}.wav")
        samples, _ = read_wav(result.path)
        levels.append(rms_dbfs(samples))
        before.append(result.info["loudness_before"])
    assert before[0] - before[1] == pytest.approx(23.5, abs=0.5)
    # -16 LUFS for a 500 Hz tone in two equal channels is about -18.3 dBFS RMS each.
    assert levels[0] == pytest.approx(levels[1], abs=0.5)
    assert levels[0] == pytest.approx(-18.3, abs=1.0)


async def test_gain_applies_when_not_normalising(wavs: dict[str, Path], tmp_path: Path) -> None:
    levels = []
    for gain in (0.0, -6.0):
        result = await mix_audio(
            [AudioTrack(wavs["voice"], gain_db=gain)],
            tmp_path / f"gain{gain}.wav",
            loudness=None,
        )
        samples, _ = read_wav(result.path)
        levels.append(rms_dbfs(samples))
    assert levels[0] - levels[1] == pytest.approx(6.0, abs=0.2)


@pytest.mark.parametrize("duck", [True, False])
async def test_music_loops_and_ducks_only_when_asked(
    wavs: dict[str, Path], tmp_path: Path, duck: bool
) -> None:
    result = await mix_audio(
        [
            AudioTrack(wavs["voice"], "narration", offset=2.0),
            AudioTrack(wavs["music"], "music"),
        ],
        tmp_path / "mix.wav",
        duration=8.0,
        duck_music=duck,
    )
    samples, rate = read_wav(result.path)
    assert samples.shape[0] == 8 * rate
    alone = band_db(samples, rate, 0.2, 1.8, 1000)
    under_voice = band_db(samples, rate, 2.5, 3.8, 1000)
    after = band_db(samples, rate, 4.6, 5.8, 1000)  # the 1 s music looped this far
    assert after == pytest.approx(alone, abs=1.5)
    if duck:
        assert alone - under_voice >= 8
    else:
        assert alone - under_voice == pytest.approx(0, abs=1.0)
    # The music fades out at the end.
    assert rms_dbfs(samples[-int(0.1 * rate) :]) < rms_dbfs(samples[int(5 * rate) : 6 * rate]) - 10


async def test_m4a_output_is_aac(wavs: dict[str, Path], tmp_path: Path) -> None:
    result = await mix_audio([AudioTrack(wavs["voice"])], tmp_path / "mix.m4a", duration=3.0)
    info = probe(result.path)
    assert info.audio_codec == "aac" and info.sample_rate == 48000 and info.channels == 2
    assert info.duration == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize(
    ("tracks", "name", "code"),
    [
        ([], "mix.wav", "no_audio"),
        ([("voice", {})], "mix.ogg", "invalid_output"),
        ([("missing", {})], "mix.wav", "input_missing"),
        ([("text", {})], "mix.wav", "input_unreadable"),
        ([("voice", {"offset": -1.0})], "mix.wav", "invalid_track"),
        ([("voice", {"gain_db": 40.0})], "mix.wav", "invalid_track"),
        ([("voice", {"offset": 700.0})], "mix.wav", "invalid_track"),
    ],
)
async def test_bad_mixes_get_clear_codes(
    wavs: dict[str, Path],
    tmp_path: Path,
    tracks: list[tuple[str, dict[str, Any]]],
    name: str,
    code: str,
) -> None:
    audio = [
        AudioTrack(wavs.get(key, tmp_path / "missing.wav"), **options) for key, options in tracks
    ]
    with pytest.raises(ProviderError) as caught:
        await mix_audio(audio, tmp_path / "out" / name)
    assert caught.value.code == code
    assert not (tmp_path / "out").exists() or listing(tmp_path / "out") == []
