"""One-time links that let a staff member set a password (an invitation or a reset)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, enum_type, utcnow


class LinkPurpose(StrEnum):
    invitation = "invitation"
    reset = "reset"


class PasswordLink(SQLModel, table=True):
    """Only the SHA-256 of the link's token is stored; a link works once and not after expiry."""

    __tablename__ = "password_link"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    purpose: LinkPurpose = Field(sa_type=enum_type(LinkPurpose, 16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
