"""Embedded music: a procedural composer (non-neural) rendered by FluidSynth or numpy.

Modules, in the order the music flows through them:
  vocabulary/moods/plan  prompt words and moods -> MusicPlan (key, scale, tempo, chords)
  arrange/accompaniment  MusicPlan -> Song (timed notes for melody, pad, bass, drums)
  midi                   Song -> Standard MIDI File bytes
  fluid                  MIDI -> audio with the fluidsynth program and a GM soundfont
  synth/timbres/drumkit  Song -> audio with numpy (the fallback)
  mastering              exact length, fades, loudness
  generator              LocalMusicGenerator, the MusicGenerator provider
Shared with the sound effects: dsp (filters, noise), words (prompt matching),
blocking (threads with progress and cancellation), mastering.
"""

from creative_hub.providers.local.music.generator import LocalMusicGenerator
from creative_hub.providers.local.music.plan import MusicPlan, make_plan

__all__ = ["LocalMusicGenerator", "MusicPlan", "make_plan"]
