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
    # SQLite's journal sync: FULL (the default) makes an acknowledged message survive a power cut; NORMAL only a
    # crash of the process (WAL mode), at a lower cost per commit.
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    # The most database connections this process opens (and keeps); a request beyond them waits for one to be
    # handed back. docs/operations.md
    database_pool_size: int = Field(default=16, ge=1, le=500)
    secret_key: str = DEFAULT_SECRET_KEY
    demo: bool = False
    # Logs (schoolchat.logs): JSON lines, or readable lines in a terminal and the demo ("auto" chooses).
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    redis_url: str | None = None
    readiness_timeout_seconds: float = 2  # /readyz: how long the database (and Redis) may take to answer
    max_message_length: int = 10_000
    # Attachments (§6.2): where their bytes live and how large one may be.
    attachments_storage: Literal["local", "database"] = "local"
    attachments_dir: Path | None = Field(
        default=None, description="local storage folder; data_dir/attachments"
    )
    max_attachment_bytes: int = 20 * 1024 * 1024
    unsent_upload_hours: float = 24  # an upload no message carries is deleted after this long
    unsent_upload_sweep_interval_seconds: float = 3600
    # Rosters uploaded through the admin API (a OneRoster CSV zip), imported in the background.
    roster_max_upload_bytes: int = 50 * 1024 * 1024
    roster_max_unpacked_bytes: int = 500 * 1024 * 1024
    session_days: int = 14
    # LTI 1.3 launches from learning platforms (registered by admins, see docs/operations.md).
    lti_session_hours: float = 8  # how long a session made by a launch (in the platform's frame) lasts
    lti_jwks_min_refresh_seconds: float = (
        5  # a platform's key set is fetched again at most this often per URL
    )
    cookie_secure: bool = False
    event_retention_days: int = 7
    event_prune_interval_seconds: float = 3600
    legal_hold_days: int = 365  # a closed report keeps an erased person's content as evidence this long
    export_download_hours: float = (
        72  # a finished data export can be downloaded this long, then it is deleted
    )
    privacy_job_interval_seconds: float = (
        10  # how often a process looks for erasures to continue, holds to release
    )
    retention_interval_seconds: float = 86_400  # the daily round: a retention run over every top org
    # Real time (the SignalR hub at /hubs/messages).
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins besides the service's own whose pages may open the hub, e.g. [\"https://lms.example\"]",
    )
    realtime_keepalive_seconds: float = 15  # a Ping when nothing else was sent for this long
    realtime_client_timeout_seconds: float = (
        30  # close when the client sent nothing (not even a Ping) this long
    )
    realtime_handshake_timeout_seconds: float = 15
    realtime_max_message_bytes: int = 32 * 1024  # largest message a client may send to the hub
    realtime_send_queue: int = 1024  # messages waiting for one connection before it counts as a slow consumer
    realtime_write_timeout_seconds: float = (
        20  # a write the client does not take within this long ends the socket
    )
    realtime_max_connections_per_user: int = 20  # open hub sockets of one person in one process
    # Abuse resistance (docs/operations.md, "Limits"). Rates are `limits` strings: "N/period", several joined by
    # ";" (each must hold). Counted in Redis when redis_url is set (shared by every process), else in memory.
    rate_limits_enabled: bool = True
    client_address_header: str | None = Field(
        default=None,
        description="Header a trusted reverse proxy sets to the client's address (its last entry "
        "is used), e.g. X-Forwarded-For; unset: the socket's peer",
    )
    rate_login_failures_per_username: str = "5/minute;10/15 minutes;20/hour"
    rate_login_failures_per_address: str = "50/minute;300/hour"
    rate_token_creation: str = "10/minute;50/day"
    rate_sends: str = "30/10 seconds;600/hour"
    rate_uploads: str = "20/minute;200/day"
    rate_upload_bytes_per_day: int = 1024 * 1024 * 1024
    rate_reports: str = "5/minute;30/day"
    rate_recipient_search: str = "30/10 seconds;1000/hour"
    rate_message_search: str = "20/minute;300/hour"
    rate_hub_invocations: str = "50/10 seconds;1000/hour"
    rate_hub_connections: str = "30/minute;300/hour"
    rate_privacy_requests: str = "20/hour;200/day"
    rate_changes: str = "120/10 seconds;3000/hour"  # any write request, on top of the rule of its own kind
    rate_safeguarding: str = "60/hour;500/day"
    rate_settings_changes: str = "30/minute;300/day"
    password_hash_concurrency: int = 2  # argon2 hashes at once (64 MiB each), off the event loop
    max_json_body_bytes: int = 1024 * 1024  # larger request bodies (other than uploads) answer 413 unread
    # Notifications (issue 13): links in emails point here; email through the school's SMTP server; Web Push.
    # Also where the redirect URIs registered with identity providers start; left unset, those follow each
    # request's own address instead (sso/api.py).
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="the service's address as people reach it"
    )
    smtp_host: str | None = Field(default=None, description="no host: notification emails are not sent")
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "schoolchat <noreply@localhost>"
    smtp_timeout_seconds: float = 30
    notify_soon_minutes: float = 10  # "soon": an email once a message has been unread this long
    notify_daily_hour: int = Field(
        default=16, ge=0, le=23
    )  # the daily digest's hour, in the school's time zone
    notify_push_delay_seconds: float = (
        30  # a push waits this long, so that a reader who is looking is not pinged
    )
    notify_max_attempts: int = (
        12  # an email or push that failed this often (back-off up to an hour) is given up
    )
    vapid_private_key: str | None = Field(
        default=None, description="`schoolchat vapid-keys`; no key: no Web Push"
    )
    vapid_public_key: str | None = None
    vapid_subject: str = "mailto:admin@localhost"
    push_allow_http: bool = (
        False  # push endpoints are https (as browsers make them); http only for local tests
    )

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
