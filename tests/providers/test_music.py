"""The embedded procedural composer: plans, MIDI, FluidSynth and numpy renders, measured."""

from __future__ import annotations

import asyncio
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from creative_hub.providers.base import MusicRequest, ProviderError
from creative_hub.providers.local.audio_io import read_wav, rms_dbfs
from creative_hub.providers.local.media_probe import probe
from creative_hub.providers.local.music import LocalMusicGenerator, make_plan
from creative_hub.providers.local.music.arrange import arrange
from creative_hub.providers.local.music.fluid import DEFAULT_SOUNDFONT
from creative_hub.providers.local.music.midi import TICKS_PER_BEAT, midi_bytes
from creative_hub.providers.local.music.moods import MOODS
from creative_hub.settings import Settings
from tests.support.processes import live_children

RATE = 44100
CEILING = 0.95 + 1 / 32768  # normalize's peak ceiling, plus one 16-bit step


def test_the_setup_installed_fluidsynth_and_its_soundfont() -> None:
    """scripts/setup.sh installs both; the FluidSynth tests below must never be skipped."""
    assert shutil.which("fluidsynth"), "run make setup: the fluidsynth package is missing"
    assert DEFAULT_SOUNDFONT.is_file(), "run make setup: timgm6mb-soundfont is missing"


def engine_settings(**overrides: object) -> Settings:
    return Settings(environment="test", **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fluid() -> LocalMusicGenerator:
    return LocalMusicGenerator(engine_settings())


@pytest.fixture(scope="module")
def numpy_synth() -> LocalMusicGenerator:
    # The documented way to force the fallback: a soundfont that does not exist.
    return LocalMusicGenerator(engine_settings(soundfont_path="/nonexistent/none.sf2"))


def listing(folder: Path) -> list[str]:
    """Everything in a folder, hidden work folders included."""
    return sorted(p.name for p in folder.iterdir())


def measure(path: Path) -> tuple[np.ndarray, float, float]:
    samples, rate = read_wav(path)
    assert rate == RATE
    return samples, rms_dbfs(samples), float(np.max(np.abs(samples)))


# -- plans ----------------------------------------------------------------------------


def test_each_mood_gets_its_own_plan() -> None:
    plans = {m: make_plan(MusicRequest(duration=30, mood=m), seed=5) for m in MOODS}
    for mood, plan in plans.items():
        low, high = MOODS[mood].tempo
        assert low <= plan.tempo <= high
        assert plan.mood == mood
    assert plans["happy"].scale == "major" and plans["sad"].scale == "minor"
    assert plans["happy"].tempo > plans["sad"].tempo + 20
    assert plans["upbeat"].tempo > plans["calm"].tempo
    signatures = {(p.tempo, p.key, p.progression, p.lead) for p in plans.values()}
    assert len(signatures) == len(MOODS)


def test_same_request_and_seed_give_the_same_plan_and_score() -> None:
    request = MusicRequest(duration=20, prompt="happy piano")
    assert make_plan(request, 9) == make_plan(request, 9)
    assert midi_bytes(arrange(make_plan(request, 9))) == midi_bytes(arrange(make_plan(request, 9)))
    assert midi_bytes(arrange(make_plan(request, 9))) != midi_bytes(arrange(make_plan(request, 10)))


@pytest.mark.parametrize(
    ("prompt", "mood", "lead"),
    [
        ("an energetic dance track with electric guitar", "upbeat", 27),
        ("dark mysterious forest", "mysterious", None),
        ("chill lofi beats to study to", "chill", None),
        ("悲伤的钢琴曲", "sad", 0),
        ("欢快的音乐", "happy", None),
        ("平静的冥想音乐", "calm", None),
        ("史诗 battle music with brass", "epic", 61),
        ("a romantic violin serenade", "romantic", 40),
        ("suspense thriller chase", "tense", None),
    ],
)
def test_prompt_words_choose_mood_and_instrument(prompt: str, mood: str, lead: int | None) -> None:
    plan = make_plan(MusicRequest(duration=10, prompt=prompt), 1)
    assert plan.mood == mood
    if lead is not None:
        assert plan.lead == lead
    assert plan.matched_words


def test_mood_tempo_and_pace_words() -> None:
    base = make_plan(MusicRequest(duration=10, mood="calm"), 3)
    slow = make_plan(MusicRequest(duration=10, mood="calm", prompt="slow"), 3)
    assert slow.tempo < base.tempo
    assert make_plan(MusicRequest(duration=10, mood="happy", tempo=97), 3).tempo == 97
    # an explicit mood wins over the prompt's mood words; mood words work as moods
    assert make_plan(MusicRequest(duration=10, mood="sad", prompt="happy"), 3).mood == "sad"
    assert make_plan(MusicRequest(duration=10, mood="史诗"), 3).mood == "epic"
    assert make_plan(MusicRequest(duration=10, prompt="something"), 3).mood == "calm"


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (MusicRequest(duration=0.5), "invalid_duration"),
        (MusicRequest(duration=301), "invalid_duration"),
        (MusicRequest(duration=float("nan")), "invalid_duration"),
        (MusicRequest(duration=10, tempo=10), "invalid_tempo"),
        (MusicRequest(duration=10, tempo=400), "invalid_tempo"),
        (MusicRequest(duration=10, seed=-1), "invalid_seed"),
        (MusicRequest(duration=10, mood="grumpy"), "unknown_mood"),
        (MusicRequest(duration=10, prompt="x" * 5000), "prompt_too_long"),
    ],
)
async def test_bad_requests_get_stable_codes_and_no_file(
    numpy_synth: LocalMusicGenerator, tmp_path: Path, request_: MusicRequest, code: str
) -> None:
    with pytest.raises(ProviderError) as early:
        numpy_synth.plan(request_)
    assert early.value.code == code
    with pytest.raises(ProviderError) as caught:
        await numpy_synth.compose(request_, tmp_path)
    assert caught.value.code == code
    if code == "unknown_mood":
        assert all(m in caught.value.message for m in MOODS)
    assert listing(tmp_path) == []


# -- MIDI -----------------------------------------------------------------------------


def _read_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 0
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length
    return chunks


def test_midi_file_has_a_track_per_part_with_every_note() -> None:
    song = arrange(make_plan(MusicRequest(duration=15, mood="happy"), 4))
    data = midi_bytes(song)
    chunks = _read_chunks(data)
    assert chunks[0][0] == b"MThd"
    fmt, ntracks, division = struct.unpack(">HHH", chunks[0][1])
    assert (fmt, division) == (1, TICKS_PER_BEAT)
    assert ntracks == len(song.parts) + 1 == len(chunks) - 1
    assert {"melody", "pad", "bass", "drums"} <= {p.name for p in song.parts}
    tempo_track = chunks[1][1]
    micros = int.from_bytes(tempo_track[tempo_track.index(b"\xff\x51\x03") + 3 :][:3], "big")
    assert micros == round(60_000_000 / song.tempo)
    for (kind, body), part in zip(chunks[2:], song.parts, strict=True):
        assert kind == b"MTrk" and body.endswith(b"\xff\x2f\x00")
        note_ons = sum(
            1
            for i in range(len(body) - 2)
            if body[i] == 0x90 | part.channel and body[i + 1] < 128 and 0 < body[i + 2] < 128
        )
        assert note_ons >= len(part.notes)
        assert len(part.notes) > 0


# -- rendering ------------------------------------------------------------------------


async def test_fluidsynth_render_is_exact_audible_unclipped_and_seeded(
    fluid: LocalMusicGenerator, tmp_path: Path
) -> None:
    assert fluid.renderer == "fluidsynth"
    info = fluid.describe()
    assert info.neural is False and info.label == "procedural composer, FluidSynth + TimGM6mb"
    seen: list[float] = []

    async def progress(fraction: float, _message: str | None) -> None:
        seen.append(fraction)

    request = MusicRequest(duration=10, mood="happy", seed=42)
    first = await fluid.compose(request, tmp_path / "a", progress)
    again = await fluid.compose(request, tmp_path / "b")
    other = await fluid.compose(MusicRequest(duration=10, mood="happy", seed=43), tmp_path / "c")

    samples, level, peak = measure(first.path)
    assert samples.shape == (10 * RATE, 2)
    assert first.duration == 10.0 and abs(probe(first.path).duration - 10.0) < 0.01
    assert level > -25.0  # loudness-normalised to about -16 dBFS
    assert peak <= CEILING
    assert first.info["renderer"] == "fluidsynth" and first.info["neural"] is False
    assert first.info["label"] == "procedural composer, FluidSynth + TimGM6mb"
    assert first.info["seed"] == 42 and first.info["mood"] == "happy"
    assert first.path.read_bytes() == again.path.read_bytes()
    assert first.path.read_bytes() != other.path.read_bytes()
    assert seen == sorted(seen) and seen[-1] == 1.0
    # the music plays through the end (fading), not silence padded onto a short render
    assert rms_dbfs(samples[-RATE : -RATE // 2]) > -40.0
    assert listing(tmp_path / "a") == [first.path.name]


async def test_numpy_fallback_render_is_exact_audible_unclipped_and_seeded(
    numpy_synth: LocalMusicGenerator, tmp_path: Path
) -> None:
    assert numpy_synth.renderer == "numpy"
    info = numpy_synth.describe()
    assert info.neural is False and info.label == "procedural composer, numpy synthesis"
    assert "no soundfont" in info.supports["fluidsynth_unavailable"]

    request = MusicRequest(duration=7.3, prompt="epic battle", seed=7)
    first = await numpy_synth.compose(request, tmp_path / "a")
    again = await numpy_synth.compose(request, tmp_path / "b")
    other = await numpy_synth.compose(MusicRequest(duration=7.3, mood="epic", seed=8), tmp_path)

    samples, level, peak = measure(first.path)
    assert samples.shape == (round(7.3 * RATE), 2)
    assert abs(first.duration - 7.3) <= 1 / RATE
    assert level > -25.0 and peak <= CEILING
    assert first.info["renderer"] == "numpy" and first.info["label"] == info.label
    assert first.info["mood"] == "epic" and first.info["matched_words"] == ["epic", "battle"]
    assert first.path.read_bytes() == again.path.read_bytes()
    assert first.path.read_bytes() != other.path.read_bytes()
    # both stereo channels carry sound (parts are panned, reverb is stereo)
    assert rms_dbfs(samples[:, 0]) > -30 and rms_dbfs(samples[:, 1]) > -30


async def test_disabling_fluidsynth_by_constructor(tmp_path: Path) -> None:
    generator = LocalMusicGenerator(engine_settings(), use_fluidsynth=False)
    result = await generator.compose(MusicRequest(duration=1, mood="sad", seed=1), tmp_path)
    samples, level, peak = measure(result.path)
    assert samples.shape == (RATE, 2) and level > -30 and peak <= CEILING
    assert result.info["renderer"] == "numpy"


async def _cancel_when_rendering(
    generator: LocalMusicGenerator, out_dir: Path, wait_for: str
) -> float:
    """Start a 300 s render, cancel it mid-render; seconds it took to stop."""
    loop = asyncio.get_running_loop()
    started = asyncio.Event()

    async def progress(_fraction: float, message: str | None) -> None:
        if message and wait_for in message:
            started.set()

    task = asyncio.create_task(
        generator.compose(MusicRequest(duration=300, mood="upbeat", seed=1), out_dir, progress)
    )
    await asyncio.wait_for(started.wait(), 20)
    assert not task.done()
    cancelled_at = loop.time()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    return loop.time() - cancelled_at


async def test_cancelled_fluidsynth_render_kills_it_and_leaves_no_file(
    fluid: LocalMusicGenerator, tmp_path: Path
) -> None:
    assert await _cancel_when_rendering(fluid, tmp_path, "FluidSynth") < 3.0
    assert listing(tmp_path) == []  # no WAV, no MIDI, no raw render
    assert live_children("fluidsynth") == []


async def test_cancelled_numpy_render_stops_and_leaves_no_file(
    numpy_synth: LocalMusicGenerator, tmp_path: Path
) -> None:
    assert await _cancel_when_rendering(numpy_synth, tmp_path, "synthesizing") < 3.0
    assert listing(tmp_path) == []
