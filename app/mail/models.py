"""Outgoing mail, queued in the same transaction as the change that caused it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, utcnow


class OutgoingMail(SQLModel, table=True):
    """A queued message; its body is cleared once sent, since it may carry a portal link."""

    __tablename__ = "outgoing_mail"

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(sa_type=sa.String(320))
    subject: str = Field(sa_type=sa.String(300))
    text_body: str = Field(default="", sa_type=sa.Text)
    html_body: str = Field(default="", sa_type=sa.Text)
    purpose: str = Field(default="", sa_type=sa.String(64))
    # Set by the organisation's settings; empty means the server's DILIGENCE_MAIL_FROM.
    sender: str = Field(default="", sa_type=sa.String(320))
    reply_to: str = Field(default="", sa_type=sa.String(320))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.String(500))
