"""The organisation using Diligence: its name and how its mail and portal present it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, utcnow

# The table holds one row; a fixed key makes "the settings" a primary-key lookup.
SETTINGS_ROW_ID = 1


class OrganisationSettings(SQLModel, table=True):
    """What an administrator set in the browser; empty fields fall back to the environment."""

    __tablename__ = "organisation_settings"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", sa_type=sa.String(200))
    mail_sender: str = Field(default="", sa_type=sa.String(320))
    reply_to: str = Field(default="", sa_type=sa.String(320))
    welcome_text: str = Field(default="", sa_type=sa.Text)
    # The logo lives in document storage under a random key; its SHA-256 names its URL.
    logo_key: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    logo_sha256: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    logo_type: str | None = Field(default=None, sa_type=sa.String(32), nullable=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
