"""Remediation items and their history: messages, evidence and every change of status."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, enum_type, utcnow
from app.remediation.domain.rules import RemediationSeverity, RemediationStatus


class RemediationItem(SQLModel, table=True):
    """One thing a vendor must change, with an owner on our side, a due date and a status.

    ``version`` grows by one on every change; a change made from an older version is refused
    (lost-update protection for pages and the API).
    """

    __tablename__ = "remediation_item"
    __table_args__ = (
        sa.Index("ix_remediation_item_vendor_status_due", "vendor_id", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", ondelete="CASCADE")
    # Where it came from: a finding of the review (its code and wording), or a condition of an
    # approval (the decision); neither when an officer raised it by hand.
    finding_code: str | None = Field(default=None, sa_type=sa.String(64))
    finding_ref: str = Field(default="", sa_type=sa.Text)
    decision_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="SET NULL")
    required_change: str = Field(sa_type=sa.Text)
    owner_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    due_on: date | None = None
    severity: RemediationSeverity = Field(sa_type=enum_type(RemediationSeverity, 16))
    status: RemediationStatus = Field(
        default=RemediationStatus.open, sa_type=enum_type(RemediationStatus, 24), index=True
    )
    accepted_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    accepted_reason: str = Field(default="", sa_type=sa.Text)
    accepted_until: date | None = Field(default=None, index=True)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1
    created_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EntryKind(StrEnum):
    created = "created"
    edited = "edited"
    status_changed = "status_changed"
    vendor_answer = "vendor_answer"
    staff_note = "staff_note"


class RemediationEntry(SQLModel, table=True):
    """One line of an item's history: a message from either side, evidence, or a change."""

    __tablename__ = "remediation_entry"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="remediation_item.id", index=True, ondelete="CASCADE")
    kind: EntryKind = Field(sa_type=enum_type(EntryKind, 24))
    actor: str = Field(sa_type=sa.String(200))
    author_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    text: str = Field(default="", sa_type=sa.Text)
    document_id: int | None = Field(default=None, foreign_key="document.id", ondelete="SET NULL")
    status_from: RemediationStatus | None = Field(
        default=None, sa_type=enum_type(RemediationStatus, 24)
    )
    status_to: RemediationStatus | None = Field(
        default=None, sa_type=enum_type(RemediationStatus, 24)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
