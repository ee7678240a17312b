"""`.env.example` documents every setting, with the default the code really uses."""

from __future__ import annotations

import re
from pathlib import Path

from creative_hub.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def test_every_setting_is_documented_with_its_default() -> None:
    text = EXAMPLE.read_text()
    documented = dict(re.findall(r"^# (CREATIVE_HUB_[A-Z0-9_]+)=(.*)$", text, flags=re.M))
    for name, field in Settings.model_fields.items():
        key = f"CREATIVE_HUB_{name.upper()}"
        assert key in documented, f"{key} is missing from .env.example"
        default = field.default
        if isinstance(default, bool):
            assert documented[key] == str(default).lower(), key
        elif isinstance(default, int | float | str) and not name.endswith(("secret_key",)):
            assert documented[key] == str(default), key
