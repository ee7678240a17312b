"""A small Standard MIDI File (format 1) writer for a `Song`.

Track 0 holds tempo and time signature; each part gets its own track with its
program, volume, pan and reverb send set at time 0. At equal times note-offs
come before note-ons so repeated pitches re-strike cleanly.
"""

from __future__ import annotations

import struct
from pathlib import Path

from creative_hub.providers.local.music.song import Part, Song

TICKS_PER_BEAT = 480


def _vlq(value: int) -> bytes:
    """MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _ticks(beats: float) -> int:
    return round(beats * TICKS_PER_BEAT)


def _track(events: list[tuple[int, int, bytes]], end_tick: int) -> bytes:
    """events: (tick, order at equal ticks, message bytes) -> an MTrk chunk."""
    body = bytearray()
    now = 0
    for tick, _, message in sorted(events, key=lambda e: (e[0], e[1])):
        body += _vlq(tick - now) + message
        now = tick
    body += _vlq(max(0, end_tick - now)) + b"\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(body)) + bytes(body)


def _part_events(part: Part, stop: float) -> list[tuple[int, int, bytes]]:
    ch = part.channel
    events: list[tuple[int, int, bytes]] = [
        (0, 0, bytes([0xB0 | ch, 7, part.volume])),
        (0, 0, bytes([0xB0 | ch, 10, part.pan])),
        (0, 0, bytes([0xB0 | ch, 91, part.reverb])),
    ]
    if not part.is_drums:
        events.append((0, 0, bytes([0xC0 | ch, part.program])))
    for note in part.notes:
        on = _ticks(note.start)
        off = max(on + 1, _ticks(min(note.start + note.length, stop)))
        velocity = max(1, min(127, note.velocity))
        events.append((on, 2, bytes([0x90 | ch, note.pitch, velocity])))
        events.append((off, 1, bytes([0x80 | ch, note.pitch, 0])))
    return events


def midi_bytes(song: Song) -> bytes:
    stop = song.length_beats + song.tail_beats
    stop_tick = _ticks(stop)
    micros_per_beat = round(60_000_000 / song.tempo)
    meta = [
        (0, 0, b"\xff\x51\x03" + micros_per_beat.to_bytes(3, "big")),
        (0, 0, bytes([0xFF, 0x58, 0x04, song.beats_per_bar, 2, 24, 8])),
    ]
    tracks = [_track(meta, stop_tick)]
    tracks += [_track(_part_events(p, stop), stop_tick) for p in song.parts]
    header = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), TICKS_PER_BEAT)
    return header + b"".join(tracks)


def write_midi(song: Song, path: Path) -> None:
    path.write_bytes(midi_bytes(song))
