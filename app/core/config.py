"""Application settings, read from ``DILIGENCE_*`` environment variables."""

from __future__ import annotations

import base64
import binascii
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite:///./var/diligence.db"
_MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class MailBackend(StrEnum):
    outbox = "outbox"
    smtp = "smtp"


class StorageBackend(StrEnum):
    local = "local"
    s3 = "s3"


class JobQueueMode(StrEnum):
    auto = "auto"
    inprocess = "inprocess"
    postgres = "postgres"


_STORAGE_KEY_BYTES = 32


def decode_storage_key(text: str) -> bytes:
    """Decode a 256-bit key written as 64 hex characters or base64 (standard or URL-safe)."""
    text = text.strip()
    try:
        raw = bytes.fromhex(text) if len(text) == 2 * _STORAGE_KEY_BYTES else b""
    except ValueError:
        raw = b""
    if not raw:
        try:
            unpadded = text.replace("-", "+").replace("_", "/").rstrip("=")
            raw = base64.b64decode(unpadded + "=" * (-len(unpadded) % 4), validate=True)
        except (binascii.Error, ValueError):
            raw = b""
    if len(raw) != _STORAGE_KEY_BYTES:
        raise ValueError("storage keys are 32 random bytes, as 64 hex characters or base64")
    return raw


class Settings(BaseSettings):
    """Every setting of the application; see the configuration table in README.md."""

    # Errors never echo the input: it holds secrets (keys, passwords) read from the environment.
    model_config = SettingsConfigDict(
        env_prefix="DILIGENCE_", extra="ignore", hide_input_in_errors=True
    )

    env: Environment = Environment.development
    database_url: str = DEFAULT_SQLITE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = ""
    # Usually set in the browser (Organisation page); this only seeds it for scripted set-ups.
    organisation_name: str = ""
    portal_link_days_after_due: int = 30
    secret_key: SecretStr | None = None
    storage_dir: Path = Path("var/storage")
    questionnaire_dir: Path = Path(__file__).resolve().parents[2] / "questionnaires"
    max_upload_mb: int = 50
    # Comma-separated roles that may open the confidential reports themselves.
    report_viewer_roles: str = "risk_officer,admin"
    log_level: str = "INFO"
    db_pool_size: int = 40

    mail_backend: MailBackend = MailBackend.outbox
    mail_from: str = "Diligence <diligence@localhost>"
    outbox_dir: Path = Path("var/outbox")
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_ssl: bool = False

    # Admins must enrol a TOTP second factor before using anything else (local accounts).
    require_mfa_for_admins: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12

    oidc_discovery_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr | None = None
    oidc_allowed_domains: str = ""
    oidc_role_claim: str = ""
    oidc_default_role: str = ""

    rate_limits: dict[str, str] = {}
    rate_limit_storage: str = "memory://"

    storage_backend: StorageBackend = StorageBackend.local
    storage_key: SecretStr | None = None
    storage_previous_keys: list[SecretStr] = []
    s3_bucket: str = ""
    s3_prefix: str = "documents/"
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr | None = None

    job_queue: JobQueueMode = JobQueueMode.auto

    # ClamAV's clamd as "host:port" (TCP); empty: uploads are not scanned for malware.
    clamd_address: str = ""
    clamd_timeout_seconds: float = 30.0

    @field_validator("storage_key", "storage_previous_keys")
    @classmethod
    def _check_storage_keys(cls, value: SecretStr | list[SecretStr] | None) -> object:
        for key in value if isinstance(value, list) else [value]:
            if key is not None:
                decode_storage_key(key.get_secret_value())
        return value

    @model_validator(mode="after")
    def _check_storage_and_jobs(self) -> Settings:
        if self.storage_backend is StorageBackend.s3 and not self.s3_bucket:
            raise ValueError("DILIGENCE_S3_BUCKET must be set when DILIGENCE_STORAGE_BACKEND=s3")
        if self.job_queue is JobQueueMode.postgres and not self.uses_postgres:
            raise ValueError(
                "DILIGENCE_JOB_QUEUE=postgres needs a PostgreSQL DILIGENCE_DATABASE_URL"
            )
        return self

    @model_validator(mode="after")
    def _require_production_secrets(self) -> Settings:
        if self.env is Environment.production:
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < _MIN_SECRET_LENGTH:
                raise ValueError(
                    "DILIGENCE_SECRET_KEY must be set to at least "
                    f"{_MIN_SECRET_LENGTH} random characters when DILIGENCE_ENV=production"
                )
            if self.storage_key is None:
                raise ValueError(
                    "DILIGENCE_STORAGE_KEY (32 random bytes, hex or base64) must be set "
                    "when DILIGENCE_ENV=production; it encrypts stored documents"
                )
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.production

    @property
    def uses_https(self) -> bool:
        """Tell whether the public address is HTTPS (Secure and ``__Host-`` cookies)."""
        return self.public_base_url.startswith("https://")

    @property
    def oidc_enabled(self) -> bool:
        """Tell whether single sign-on is configured."""
        return bool(self.oidc_discovery_url and self.oidc_client_id)

    @property
    def public_base_url(self) -> str:
        """Return the address used in links that leave the application (e-mails)."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def uses_postgres(self) -> bool:
        """Tell whether the database is PostgreSQL (rather than SQLite)."""
        return self.database_url.startswith(("postgresql", "postgres:"))

    @property
    def uses_job_queue(self) -> bool:
        """Tell whether background work goes to the PostgreSQL job queue (else runs in-process)."""
        if self.job_queue is JobQueueMode.auto:
            return self.uses_postgres and self.is_production
        return self.job_queue is JobQueueMode.postgres

    def storage_keys(self) -> list[bytes]:
        """Return the document encryption keys, the current one first; empty if none is set."""
        keys = [self.storage_key] if self.storage_key is not None else []
        return [
            decode_storage_key(k.get_secret_value()) for k in [*keys, *self.storage_previous_keys]
        ]

    def signing_key(self) -> str:
        """Return the secret key, or a per-process random one outside production."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _process_secret()


@lru_cache
def _process_secret() -> str:
    return secrets.token_urlsafe(48)


@lru_cache
def get_settings() -> Settings:
    """Return the settings, read once from the environment."""
    return Settings()
