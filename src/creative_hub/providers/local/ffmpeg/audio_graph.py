"""The audio mix as an ffmpeg filter graph: narration, music ducked under it, effects.

Every track is brought to 48 kHz stereo float, given its gain and offset, and grouped
into a bus per role. Music loops to fill the length and fades out at the end; while
narration plays, a sidechain compressor keyed by the narration bus pulls the music
down. The buses are summed without amix's 1/n scaling (gains are the user's to set);
loudness is normalised afterwards (see mix.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from creative_hub.providers.base import AudioTrack

SAMPLE_RATE = 48_000
# Music fade-out at the end of the mix (shorter for short mixes).
MUSIC_FADE_SECONDS = 2.0
# Ducking: a narration level above the threshold (-36 dBFS) compresses the music 12:1,
# which takes speech at a normal level about 12-15 dB over it. Fast attack so the first
# syllable is clear, slow release so the music does not pump between words.
DUCKING = "threshold=0.015:ratio=12:attack=20:release=400:makeup=1"


@dataclass(frozen=True)
class PlacedTrack:
    """A track with the ffmpeg input index it was given and its own length in seconds."""

    track: AudioTrack
    input_index: int
    length: float


def input_args(track: AudioTrack) -> list[str]:
    """Music is read in an endless loop (trimmed to the mix length in the graph)."""
    loop = ["-stream_loop", "-1"] if track.role == "music" else []
    return [*loop, "-i", str(track.path)]


def natural_length(placed: Sequence[PlacedTrack]) -> float:
    """The mix length when none is given: the end of the last non-music track (music
    alone: the end of the music)."""
    voices = [p for p in placed if p.track.role != "music"] or list(placed)
    return max(p.track.offset + p.length for p in voices)


def audio_graph(placed: Sequence[PlacedTrack], duration: float, duck: bool, out: str) -> str:
    """Filter graph text whose output pad is `[out]`, exactly `duration` seconds long."""
    parts: list[str] = []
    buses: dict[str, str] = {}
    for role in ("narration", "music", "effect"):
        tracks = [p for p in placed if p.track.role == role]
        if tracks:
            buses[role] = _bus(parts, role, tracks, duration)
    if duck and "narration" in buses and "music" in buses:
        parts.append(f"[{buses['narration']}]asplit=2[narr_mix][narr_key]")
        parts.append(f"[{buses['music']}][narr_key]sidechaincompress={DUCKING}[music_ducked]")
        buses["narration"], buses["music"] = "narr_mix", "music_ducked"
    _sum(parts, list(buses.values()), out)
    return ";".join(parts)


def _bus(parts: list[str], role: str, tracks: Sequence[PlacedTrack], duration: float) -> str:
    labels = []
    for n, placed in enumerate(tracks):
        track = placed.track
        label = f"{role}{n}"
        chain = [
            f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=stereo",
            f"volume={track.gain_db:.3f}dB",
        ]
        if role == "music":  # the looped input is endless: cut it where the mix ends
            chain.append(f"atrim=end={max(duration - track.offset, 0.001):.6f}")
        if track.offset > 0:
            chain.append(f"adelay={round(track.offset * 1000)}:all=1")
        parts.append(f"[{placed.input_index}:a]{','.join(chain)}[{label}]")
        labels.append(label)
    bus = f"{role}_bus"
    # Exactly `duration` long: silence after the last track, nothing past the end.
    fit = f"apad=whole_dur={duration:.6f},atrim=end={duration:.6f}"
    if role == "music":
        fade = min(MUSIC_FADE_SECONDS, duration / 4)
        fit += f",afade=t=out:st={duration - fade:.6f}:d={fade:.6f}"
    _sum(parts, labels, bus, then=fit)
    return bus


def _sum(parts: list[str], labels: Sequence[str], out: str, then: str = "") -> str:
    pads = "".join(f"[{label}]" for label in labels)
    chain = (
        f"amix=inputs={len(labels)}:duration=longest:normalize=0" if len(labels) > 1 else "anull"
    )
    parts.append(f"{pads}{chain}{',' + then if then else ''}[{out}]")
    return out
