"""The stored first responses of idempotent API requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, utcnow


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a create sent with an ``Idempotency-Key``, kept for 24 hours."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("owner", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    # Keys are scoped to the caller: "token:<id>" or "user:<id>" for a browser session.
    owner: str = Field(sa_type=sa.String(64))
    key: str = Field(sa_type=sa.String(255))
    fingerprint: str = Field(sa_type=sa.String(64))
    status_code: int | None = None
    response_body: Any = Field(default=None, sa_type=JSONType, nullable=True)
    response_headers: dict[str, str] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
