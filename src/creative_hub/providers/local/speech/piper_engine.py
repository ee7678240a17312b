"""Piper (VITS, ONNX Runtime on CPU): load a voice once, speak one sentence at a time."""

from __future__ import annotations

import numpy as np
from piper import PiperVoice, SynthesisConfig

from creative_hub.providers.local.audio_io import FloatArray
from creative_hub.providers.local.speech.voices import PiperVoiceFile


def load_piper(voice: PiperVoiceFile) -> PiperVoice:
    return PiperVoice.load(voice.model, config_path=voice.config)


def speak_sentence(voice: PiperVoice, text: str, length_scale: float) -> FloatArray:
    """Mono float32 samples at the voice's rate (empty when nothing was pronounceable).

    Piper may cut a sentence further (espeak's own clause rules); its chunks are joined.
    """
    config = SynthesisConfig(length_scale=length_scale)
    chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, syn_config=config)]
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)
