"""Stored vendor scores: every computation is kept, so history can be shown."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, utcnow


class Score(SQLModel, table=True):
    __tablename__ = "score"
    __table_args__ = (sa.Index("ix_score_vendor_id_computed_at", "vendor_id", "computed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", ondelete="CASCADE")
    value: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 1))
    band: str | None = Field(default=None, sa_type=sa.String(1))
    residual_risk: str = Field(sa_type=sa.String(16))
    provisional: bool = False
    factors: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    explanation: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    fingerprint: str = Field(default="", sa_type=sa.String(64))
    policy_version: str = Field(sa_type=sa.String(32))
    evaluated_on: date
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    override_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 1))
    override_reason: str | None = Field(default=None, sa_type=sa.Text)
    override_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    overridden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
