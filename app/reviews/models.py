"""Risk officers' decisions about vendors."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, enum_type, utcnow


class DecisionOutcome(StrEnum):
    approved = "approved"
    approved_with_conditions = "approved_with_conditions"
    more_information_requested = "more_information_requested"
    rejected = "rejected"


class Decision(SQLModel, table=True):
    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    request_id: int | None = Field(
        default=None, foreign_key="questionnaire_request.id", ondelete="SET NULL"
    )
    score_id: int | None = Field(default=None, foreign_key="score.id", ondelete="SET NULL")
    outcome: DecisionOutcome = Field(sa_type=enum_type(DecisionOutcome, 32))
    reason: str = Field(sa_type=sa.Text)
    conditions: str = Field(default="", sa_type=sa.Text)
    follow_up_on: date | None = None
    decided_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
