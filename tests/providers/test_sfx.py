"""The embedded procedural sound effects: every catalogue entry rendered and measured."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from creative_hub.providers.base import ProviderError, SoundEffectRequest
from creative_hub.providers.local.audio_io import read_wav, rms_dbfs
from creative_hub.providers.local.media_probe import probe
from creative_hub.providers.local.sfx import EFFECTS, LocalSoundEffectGenerator, match_effect
from creative_hub.settings import Settings

RATE = 44100
CEILING = 0.95 + 1 / 32768
REQUIRED = {
    "whoosh",
    "rain",
    "wind",
    "thunder",
    "ocean_waves",
    "footsteps",
    "click",
    "beep",
    "applause",
    "explosion",
}


@pytest.fixture(scope="module")
def sfx() -> LocalSoundEffectGenerator:
    return LocalSoundEffectGenerator(Settings(environment="test"))


@pytest.fixture(scope="module")
async def rendered(
    sfx: LocalSoundEffectGenerator, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, npt.NDArray[np.float32]]:
    """Every effect, 3 s, seed 1, read back from the WAV the generator wrote."""
    out = tmp_path_factory.mktemp("sfx")
    results = {}
    for name in sfx.catalogue():
        result = await sfx.generate(SoundEffectRequest(name, 3.0, seed=1), out)
        assert result.info["effect"] == name
        samples, rate = read_wav(result.path)
        assert rate == RATE and result.duration == 3.0
        results[name] = samples[:, 0]
    return results


def is_empty(folder: Path) -> bool:
    return not any(folder.iterdir())


def band_share(x: npt.NDArray[np.float32], low: float, high: float) -> float:
    """Fraction of the signal's energy between low and high Hz."""
    power = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    return float(power[(freqs >= low) & (freqs < high)].sum() / power.sum())


def window_levels(x: npt.NDArray[np.float32], seconds: float) -> npt.NDArray[np.float64]:
    step = int(seconds * RATE)
    return np.array([rms_dbfs(x[i : i + step]) for i in range(0, len(x) - step + 1, step)])


def test_catalogue_has_the_required_effects_and_is_labelled(
    sfx: LocalSoundEffectGenerator,
) -> None:
    assert set(sfx.catalogue()) >= REQUIRED
    info = sfx.describe()
    assert info.neural is False and "procedural" in info.label
    assert set(info.supports["effects"]) == set(sfx.catalogue())
    for entry in sfx.effects():
        assert entry["description"] and entry["words"]


def test_every_effect_is_audible_unclipped_and_exact(
    rendered: dict[str, npt.NDArray[np.float32]],
) -> None:
    for name, x in rendered.items():
        assert len(x) == 3 * RATE, name
        peak = float(np.max(np.abs(x)))
        assert 0.1 < peak <= CEILING, name
        assert rms_dbfs(x) > -45.0, name


async def test_short_and_odd_durations_are_sample_exact(
    sfx: LocalSoundEffectGenerator, tmp_path: Path
) -> None:
    for name in sfx.catalogue():
        for duration in (0.1, 1.37):
            result = await sfx.generate(SoundEffectRequest(name, duration, seed=2), tmp_path)
            samples, _ = read_wav(result.path)
            assert len(samples) == round(duration * RATE), (name, duration)
            assert float(np.max(np.abs(samples))) > 0.1, (name, duration)
            result.path.unlink()
    long = await sfx.generate(SoundEffectRequest("ocean waves", 12.0, seed=2), tmp_path)
    assert abs(probe(long.path).duration - 12.0) < 0.01


def test_tones_have_their_pitch(rendered: dict[str, npt.NDArray[np.float32]]) -> None:
    assert band_share(rendered["beep"], 970, 1030) > 0.9
    chime = rendered["chime"]
    assert band_share(chime, 1000, 1100) + band_share(chime, 1280, 1360) > 0.6
    assert band_share(rendered["siren"], 640, 1320) > 0.75
    assert band_share(rendered["heartbeat"], 20, 200) > 0.8


def test_noises_have_their_spectra(rendered: dict[str, npt.NDArray[np.float32]]) -> None:
    rain = rendered["rain"]
    for low in (500, 1000, 2000, 4000, 8000):  # broadband: every octave carries energy
        assert band_share(rain, low, 2 * low) > 0.03, low
    power = np.abs(np.fft.rfft(rain.astype(np.float64)))[100:] ** 2
    flatness = np.exp(np.mean(np.log(power + 1e-20))) / np.mean(power)
    assert flatness > 0.1
    assert band_share(rendered["thunder"], 0, 1000) > 0.8
    assert band_share(rendered["explosion"], 0, 1000) > 0.5
    assert band_share(rendered["wind"], 100, 3000) > 0.8


def test_events_have_their_shape(rendered: dict[str, npt.NDArray[np.float32]]) -> None:
    # whoosh: quiet at both ends, loudest in the middle
    whoosh = window_levels(rendered["whoosh"], 0.3)
    assert whoosh.argmax() not in (0, len(whoosh) - 1)
    assert whoosh.max() - whoosh[0] > 10 and whoosh.max() - whoosh[-1] > 10
    # footsteps, clicks, knocks: separate events with quiet between them
    for name in ("footsteps", "click", "knock"):
        levels = window_levels(rendered[name], 0.02)
        assert levels.max() - np.median(levels) > 20, name
    # beep: on and off
    beep = window_levels(rendered["beep"], 0.05)
    assert (beep > -30).any() and (beep < -60).any()


async def test_ocean_waves_come_and_go(sfx: LocalSoundEffectGenerator, tmp_path: Path) -> None:
    result = await sfx.generate(SoundEffectRequest("waves on the sea", 20.0, seed=3), tmp_path)
    samples, _ = read_wav(result.path)
    levels = window_levels(samples[:, 0], 0.5)
    assert levels.max() - levels.min() > 8  # swells and lulls, not steady noise


async def test_seed_gives_identical_bytes(sfx: LocalSoundEffectGenerator, tmp_path: Path) -> None:
    request = SoundEffectRequest("applause", 2.0, seed=11)
    one = await sfx.generate(request, tmp_path / "one")
    two = await sfx.generate(request, tmp_path / "two")
    other = await sfx.generate(SoundEffectRequest("applause", 2.0, seed=12), tmp_path)
    assert one.path.read_bytes() == two.path.read_bytes()
    assert one.path.read_bytes() != other.path.read_bytes()
    assert one.info["seed"] == 11 and one.info["neural"] is False
    unseeded = await sfx.generate(SoundEffectRequest("applause", 0.5), tmp_path)
    assert isinstance(unseeded.info["seed"], int)


@pytest.mark.parametrize(
    ("prompt", "effect"),
    [
        ("a fast whoosh for a transition", "whoosh"),
        ("gentle rain on a window", "rain"),
        ("howling wind in the mountains", "wind"),
        ("distant thunder", "thunder"),
        ("thunder and heavy rain", "storm"),
        ("a stormy night", "storm"),
        ("waves crashing on the beach", "ocean_waves"),
        ("the sea", "ocean_waves"),
        ("ocean_waves", "ocean_waves"),
        ("footsteps in a corridor", "footsteps"),
        ("mouse clicks", "click"),
        ("a short beep", "beep"),
        ("a notification ding", "chime"),
        ("doorbell", "chime"),
        ("police siren", "siren"),
        ("crowd applause and cheering", "applause"),
        ("a huge explosion", "explosion"),
        ("someone knocking on the door", "knock"),
        ("a slow heartbeat", "heartbeat"),
        ("crackling campfire", "fire"),
        ("birds chirping in the morning", "birds"),
        ("下雨声", "rain"),
        ("雷雨", "storm"),
        ("海浪", "ocean_waves"),
        ("热烈的掌声", "applause"),
        ("电影风格的爆炸", "explosion"),  # 风格 (style) is not 风 (wind)
        ("敲门声", "knock"),
        ("脚步声", "footsteps"),
    ],
)
def test_prompt_picks_the_effect(prompt: str, effect: str) -> None:
    assert match_effect(prompt)[0].name == effect


async def test_unknown_and_bad_requests(sfx: LocalSoundEffectGenerator, tmp_path: Path) -> None:
    assert sfx.match("rain on a tin roof") == "rain"
    with pytest.raises(ProviderError) as early:
        sfx.match("a violin solo")
    assert early.value.code == "unknown_sound_effect"
    with pytest.raises(ProviderError) as unknown:
        await sfx.generate(SoundEffectRequest("a violin solo", 2.0), tmp_path)
    assert unknown.value.code == "unknown_sound_effect"
    assert all(name in unknown.value.message for name in EFFECTS)
    for request, code in [
        (SoundEffectRequest("   ", 2.0), "empty_prompt"),
        (SoundEffectRequest("rain", 0.01), "invalid_duration"),
        (SoundEffectRequest("rain", 61.0), "invalid_duration"),
        (SoundEffectRequest("rain", float("inf")), "invalid_duration"),
        (SoundEffectRequest("rain", 2.0, seed=-5), "invalid_seed"),
        (SoundEffectRequest("rain " * 500, 2.0), "prompt_too_long"),
    ]:
        with pytest.raises(ProviderError) as caught:
            await sfx.generate(request, tmp_path)
        assert caught.value.code == code, request
    assert is_empty(tmp_path)


async def test_cancelled_effect_leaves_no_file(
    sfx: LocalSoundEffectGenerator, tmp_path: Path
) -> None:
    started = asyncio.Event()

    async def progress(_fraction: float, _message: str | None) -> None:
        started.set()

    task = asyncio.create_task(
        sfx.generate(SoundEffectRequest("storm", 60.0, seed=1), tmp_path, progress)
    )
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(0.05)
    assert not task.done()  # a 60 s storm takes seconds of CPU
    loop = asyncio.get_running_loop()
    cancelled_at = loop.time()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 20)
    assert loop.time() - cancelled_at < 3.0  # the DSP loops noticed, not ran to the end
    assert is_empty(tmp_path)
