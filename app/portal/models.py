"""The vendor's short server-side session, created when a portal link is used."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, utcnow


class PortalSession(SQLModel, table=True):
    __tablename__ = "portal_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(sa_type=sa.String(64), unique=True)
    request_id: int = Field(foreign_key="questionnaire_request.id", index=True, ondelete="CASCADE")
    link_hash: str = Field(sa_type=sa.String(64))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
