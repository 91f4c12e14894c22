"""Decisions about vendors, the per-vendor review summary, CUEC owners, report acknowledgements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, enum_type, utcnow


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


class VendorReview(SQLModel, table=True):
    """One row per vendor with what the dashboard filters and sorts on, kept current on change.

    Denormalised on purpose: the dashboard reads one indexed table instead of joining the latest
    score, best report, latest request and latest decision of every vendor on each page view.
    """

    __tablename__ = "vendor_review"

    vendor_id: int = Field(foreign_key="vendor.id", primary_key=True, ondelete="CASCADE")
    score_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 1), index=True)
    computed_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 1))
    is_overridden: bool = False
    band: str | None = Field(default=None, sa_type=sa.String(1), index=True)
    residual_risk: str | None = Field(default=None, sa_type=sa.String(16))
    risk_rank: int = Field(default=0, index=True)
    provisional: bool = False
    best_report: str | None = Field(default=None, sa_type=sa.String(64))
    period_end: date | None = None
    current_until: date | None = Field(default=None, index=True)
    exceptions_count: int | None = None
    open_findings: int = 0
    has_contradictions: bool = Field(default=False, index=True)
    request_status: str | None = Field(default=None, sa_type=sa.String(24), index=True)
    latest_decision: str | None = Field(default=None, sa_type=sa.String(32), index=True)
    latest_decision_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    follow_up_on: date | None = None
    # The latest decision plus the tier's review cadence (scoring policy `reassessment`).
    next_review_on: date | None = Field(default=None, index=True)
    # REQUIREMENT_MISSING findings of the latest score: what the tier needs and is not on file.
    missing_requirements: int = Field(default=0, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reassessment(SQLModel, table=True):
    """A reassessment sent because a vendor's review date came: one per vendor and date."""

    __tablename__ = "reassessment"
    __table_args__ = (sa.UniqueConstraint("vendor_id", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    due_on: date
    contact_id: int | None = Field(
        default=None, foreign_key="vendor_contact.id", ondelete="SET NULL"
    )
    request_ids: list[int] = Field(default_factory=list, sa_type=JSONType)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CuecOwner(SQLModel, table=True):
    """An owner typed as free text for one CUEC, before CUECs were mapped to our controls.

    No longer written: a CUEC's owner is its control's (``app.controls``). Kept, and shown on
    the mapping page as a hint, so that nothing recorded earlier is lost.
    """

    __tablename__ = "cuec_owner"
    __table_args__ = (sa.UniqueConstraint("document_id", "cuec_key"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    cuec_key: str = Field(sa_type=sa.String(64))
    cuec_text: str = Field(sa_type=sa.Text)
    owner: str = Field(sa_type=sa.String(200))
    assigned_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReportAcknowledgement(SQLModel, table=True):
    """A staff member accepted the restricted-use terms of SOC reports (asked once per user)."""

    __tablename__ = "report_acknowledgement"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", unique=True, ondelete="CASCADE")
    acknowledged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
