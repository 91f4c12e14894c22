"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One event of the append-only log; ``hash`` covers the content and ``prev_hash``."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_subject_type_subject_id", "subject_type", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sequence: int = Field(unique=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(sa_type=sa.String(200), index=True)
    action: str = Field(sa_type=sa.String(64), index=True)
    subject_type: str = Field(default="", sa_type=sa.String(64))
    subject_id: str = Field(default="", sa_type=sa.String(64))
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    prev_hash: str = Field(sa_type=sa.String(64))
    hash: str = Field(sa_type=sa.String(64))
