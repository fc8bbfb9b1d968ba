"""Settings, read from ``SCHOOLCHAT_*`` environment variables."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "insecure-demo-secret-change-me"


class InsecureSecretKey(RuntimeError):
    """The secret key was left at its default outside demo mode."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCHOOLCHAT_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file in data_dir. "
        "PostgreSQL: postgresql+psycopg://user@host/db",
    )
    secret_key: str = DEFAULT_SECRET_KEY
    demo: bool = False
    redis_url: str | None = None
    max_message_length: int = 10_000
    # Attachments (§6.2): where their bytes live and how large one may be.
    attachments_storage: Literal["local", "database"] = "local"
    attachments_dir: Path | None = Field(default=None, description="local storage folder; data_dir/attachments")
    max_attachment_bytes: int = 20 * 1024 * 1024
    unsent_upload_hours: float = 24  # an upload no message carries is deleted after this long
    unsent_upload_sweep_interval_seconds: float = 3600
    session_days: int = 14
    # LTI 1.3 launches from learning platforms (registered by admins, see docs/operations.md).
    lti_session_hours: float = 8  # how long a session made by a launch (in the platform's frame) lasts
    lti_jwks_min_refresh_seconds: float = 5  # a platform's key set is fetched again at most this often per URL
    cookie_secure: bool = False
    event_retention_days: int = 7
    event_prune_interval_seconds: float = 3600
    # Real time (the SignalR hub at /hubs/messages).
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins besides the service's own whose pages may open the hub, e.g. [\"https://lms.example\"]",
    )
    realtime_keepalive_seconds: float = 15  # a Ping when nothing else was sent for this long
    realtime_client_timeout_seconds: float = 30  # close when the client sent nothing (not even a Ping) this long
    realtime_handshake_timeout_seconds: float = 15
    realtime_max_message_bytes: int = 32 * 1024  # largest message a client may send to the hub
    realtime_send_queue: int = 1024  # messages waiting for one connection before it counts as a slow consumer

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'schoolchat.db').resolve()}"

    def check_secret(self) -> None:
        """Refuse to start with the well-known default key unless this is a demo."""
        if not self.demo and self.secret_key == DEFAULT_SECRET_KEY:
            raise InsecureSecretKey(
                "SCHOOLCHAT_SECRET_KEY is left at its default; set it to a long random value "
                "(or run the demo with `schoolchat demo`)."
            )
