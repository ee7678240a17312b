"""Provider API keys encrypted at rest (Fernet), with a key derived from the settings."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from creative_hub.settings import Settings

# Domain separation: the same secret also signs tokens; this key is for provider keys only.
_CONTEXT = b"creative-hub/provider-api-keys/v1\0"


class KeyBox:
    def __init__(self, settings: Settings) -> None:
        secret = settings.provider_secret_key.get_secret_value() or settings.signing_key()
        digest = hashlib.sha256(_CONTEXT + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, api_key: str) -> str:
        return self._fernet.encrypt(api_key.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """None when the secret changed since the key was stored (re-enter the key)."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None
