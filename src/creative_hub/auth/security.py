"""Password hashing, JWTs and opaque-token digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from creative_hub.kit.time import utcnow

_password_hash = PasswordHash((Argon2Hasher(),))
# Verified against when the user does not exist, so timing does not reveal who exists.
# Made on first need: hashing at import would slow every start by a hash.
_DUMMY_HASH: str | None = None


def configure_password_hashing(time_cost: int, memory_cost_kib: int) -> None:
    """Argon2id cost (OWASP: t=2..3, m>=19 MiB). Existing hashes keep verifying at their cost."""
    global _password_hash, _DUMMY_HASH
    _password_hash = PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_cost_kib),))
    _DUMMY_HASH = None


JWT_ALGORITHM = "HS256"
API_KEY_PREFIX = "chk_"


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    if hashed is None:
        global _DUMMY_HASH
        if _DUMMY_HASH is None:
            _DUMMY_HASH = _password_hash.hash("not-a-real-password")
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    return _password_hash.verify(password, hashed)


def digest(token: str) -> str:
    """SHA-256 of a high-entropy token (API key, refresh token, session token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def new_api_key() -> tuple[str, str]:
    """(full key shown once, short display prefix)."""
    body = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}{body}", f"{API_KEY_PREFIX}{body[:6]}"


def create_access_token(user_id: uuid.UUID, key: str, ttl_seconds: int) -> str:
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "type": "access",
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm=JWT_ALGORITHM)


class AccessTokenExpired(Exception):
    """A genuine access token whose lifetime is over: the client should refresh it."""


# Verified access tokens -> (key, claims): a client sends the same token on every request
# until it expires, and checking the signature again costs ~0.13 ms each time. Expiry is
# still checked on every use; the key is compared so a rotated key verifies afresh.
_VERIFIED: dict[str, tuple[str, dict[str, Any]]] = {}
_VERIFIED_MAX = 4096


def decode_access_token(token: str, key: str) -> dict[str, Any] | None:
    """The claims of a valid access token; None if it is not one of ours.

    Raises AccessTokenExpired for a correctly signed access token past its expiry, so
    the client can be told to refresh rather than to sign in again.
    """
    seen = _VERIFIED.get(token)
    if seen is not None and seen[0] == key:
        claims = seen[1]
        if claims["exp"] > time.time():
            return claims
        _VERIFIED.pop(token, None)
        raise AccessTokenExpired
    claims_or_none = _verify_access_token(token, key)
    if claims_or_none is not None:
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()  # rare: simpler than LRU bookkeeping on every hit
        _VERIFIED[token] = (key, claims_or_none)
    return claims_or_none


def _verify_access_token(token: str, key: str) -> dict[str, Any] | None:
    required = ["exp", "sub", "type"]
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[JWT_ALGORITHM], options={"require": required}
        )
    except jwt.ExpiredSignatureError as exc:
        # The signature was checked before the expiry, but not the type: look at it.
        try:
            stale = jwt.decode(
                token,
                key,
                algorithms=[JWT_ALGORITHM],
                options={"require": required, "verify_exp": False},
            )
        except jwt.PyJWTError:
            return None
        if stale.get("type") == "access":
            raise AccessTokenExpired from exc
        return None
    except jwt.PyJWTError:
        return None
    return claims if claims.get("type") == "access" else None


def csrf_token_for(session_token: str, key: str) -> str:
    """The CSRF token is bound to the session: HMAC of the session token."""
    return hmac.new(key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, candidate: str, key: str) -> bool:
    return hmac.compare_digest(csrf_token_for(session_token, key), candidate)
