"""Piper (VITS, ONNX Runtime on CPU): load a voice once, speak one sentence at a time."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime  # type: ignore[import-untyped]
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig

from creative_hub.providers.local.audio_io import FloatArray
from creative_hub.providers.local.speech.voices import PiperVoiceFile


def load_piper(voice: PiperVoiceFile, threads: int) -> PiperVoice:
    """PiperVoice.load, with our own ONNX Runtime options: `threads` per call, and no
    spin-waiting between operators. Spinning threads burn the cores the other engines
    (Whisper, FFmpeg, llama.cpp) need; measured here under load, it halved Piper's speed."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        str(voice.model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    config = PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))
    return PiperVoice(session=session, config=config)


def speak_sentence(voice: PiperVoice, text: str, length_scale: float) -> FloatArray:
    """Mono float32 samples at the voice's rate (empty when nothing was pronounceable).

    Piper may cut a sentence further (espeak's own clause rules); its chunks are joined.
    """
    config = SynthesisConfig(length_scale=length_scale)
    chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, syn_config=config)]
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)
