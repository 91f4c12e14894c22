"""Application settings, read from ``DILIGENCE_*`` environment variables."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, model_validator
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


class Settings(BaseSettings):
    """Every setting of the application; see the configuration table in README.md."""

    model_config = SettingsConfigDict(env_prefix="DILIGENCE_", extra="ignore")

    env: Environment = Environment.development
    database_url: str = DEFAULT_SQLITE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = ""
    organisation_name: str = "Your organisation"
    portal_link_days_after_due: int = 30
    secret_key: SecretStr | None = None
    storage_dir: Path = Path("var/storage")
    questionnaire_dir: Path = Path(__file__).resolve().parents[2] / "questionnaires"
    max_upload_mb: int = 50
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

    @model_validator(mode="after")
    def _require_production_secrets(self) -> Settings:
        if self.env is Environment.production:
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < _MIN_SECRET_LENGTH:
                raise ValueError(
                    "DILIGENCE_SECRET_KEY must be set to at least "
                    f"{_MIN_SECRET_LENGTH} random characters when DILIGENCE_ENV=production"
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
