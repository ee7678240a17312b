"""Embedded sound effects: procedural numpy DSP (non-neural), chosen from the prompt's words.

  catalogue  the documented list of effects and prompt -> effect matching
  nature     rain, wind, thunder, storm, ocean_waves, fire, birds
  actions    whoosh, footsteps, applause, explosion, knock, heartbeat
  signals    click, beep, chime, siren
  shaping    moving filters, scattered events, small rooms
  generator  LocalSoundEffectGenerator, the SoundEffectGenerator provider
Builds on the music package's dsp, words, blocking and mastering helpers.
"""

from creative_hub.providers.local.sfx.catalogue import EFFECTS, match_effect
from creative_hub.providers.local.sfx.generator import LocalSoundEffectGenerator

__all__ = ["EFFECTS", "LocalSoundEffectGenerator", "match_effect"]
