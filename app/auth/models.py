"""Staff users, their server-side sessions and their API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, enum_type, utcnow


class Role(StrEnum):
    admin = "admin"
    procurement = "procurement"
    risk_officer = "risk_officer"
    auditor = "auditor"


class User(SQLModel, table=True):
    """A staff account: local (argon2id password) or single sign-on (issuer + subject)."""

    __tablename__ = "staff_user"
    # Single sign-on identity is (issuer, subject), never the e-mail address.
    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(320), unique=True, index=True)
    full_name: str = Field(default="", sa_type=sa.String(200))
    role: Role = Field(sa_type=enum_type(Role, 32))
    password_hash: str | None = Field(default=None, sa_type=sa.String(255))
    oidc_issuer: str | None = Field(default=None, sa_type=sa.String(500))
    oidc_subject: str | None = Field(default=None, sa_type=sa.String(255))
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # TOTP second factor: the secret is kept from enrolment, sealed (app.auth.totp_secrets);
    # the factor counts once confirmed.
    totp_secret_sealed: str | None = Field(default=None, sa_type=sa.String(160))
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)  # no code twice
    recovery_code_hashes: list[str] | None = Field(default=None, sa_type=JSONType)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None


class StaffSession(SQLModel, table=True):
    """A signed-in browser; only the SHA-256 of the cookie value is stored."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A bearer token acting as its user, limited to ``scopes``; only its SHA-256 is stored.

    ``scopes`` is None when the token carries the user's whole role (as it is at each use), or
    a list of permission names, always a subset of what the user held when it was created.
    """

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    name: str = Field(sa_type=sa.String(100))
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    # The first characters of the token, so people can tell their tokens apart.
    prefix: str = Field(sa_type=sa.String(16))
    scopes: list[str] | None = Field(default=None, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
