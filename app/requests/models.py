"""Questionnaire requests sent to vendors, and the answers they give."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.core.db import JSONType, UTCDateTime, enum_type, utcnow


class RequestStatus(StrEnum):
    draft = "draft"
    sent = "sent"
    opened = "opened"
    in_progress = "in_progress"
    submitted = "submitted"
    changes_requested = "changes_requested"
    accepted = "accepted"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        """The status as pages show it, in sentence case like every other label."""
        return STATUS_LABELS[self]


STATUS_LABELS: Final = {
    RequestStatus.draft: "Draft",
    RequestStatus.sent: "Sent",
    RequestStatus.opened: "Opened",
    RequestStatus.in_progress: "In progress",
    RequestStatus.submitted: "Submitted",
    RequestStatus.changes_requested: "Changes requested",
    RequestStatus.accepted: "Accepted",
    RequestStatus.cancelled: "Cancelled",
}


class QuestionnaireRequest(SQLModel, table=True):
    """One questionnaire sent to one vendor contact, frozen at the version that was sent."""

    __tablename__ = "questionnaire_request"

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    contact_id: int | None = Field(
        default=None, foreign_key="vendor_contact.id", ondelete="SET NULL"
    )
    questionnaire_slug: str = Field(sa_type=sa.String(100))
    questionnaire_version: int
    content_hash: str = Field(sa_type=sa.String(64))
    status: RequestStatus = Field(
        default=RequestStatus.draft, sa_type=enum_type(RequestStatus, 24), index=True
    )
    message: str = Field(default="", sa_type=sa.Text)
    due_on: date | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    token_hash: str | None = Field(default=None, sa_type=sa.String(64), unique=True)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """The current answer to one question; ``row_version`` guards concurrent saves."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("request_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="questionnaire_request.id", ondelete="CASCADE")
    question_id: str = Field(sa_type=sa.String(100))
    value: Any = Field(default=None, sa_type=JSONType)
    # The document this answer was pre-filled from; None once the vendor answers it itself.
    source_document_id: int | None = Field(
        default=None, foreign_key="document.id", ondelete="SET NULL"
    )
    row_version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReminderLog(SQLModel, table=True):
    """One reminder or notice that went out; the unique key keeps each from repeating."""

    __tablename__ = "reminder_log"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_type=sa.String(200), unique=True)
    kind: str = Field(sa_type=sa.String(64))
    request_id: int | None = Field(
        default=None, foreign_key="questionnaire_request.id", index=True, ondelete="CASCADE"
    )
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id", ondelete="CASCADE")
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PortalLink(SQLModel, table=True):
    """A link to a request besides its current one (``QuestionnaireRequest.token_hash``).

    A reminder carries a link of its own, which opens the portal until the request's link
    expires; a link that was replaced (a resend, a copied link, a request for changes) is kept
    with the time it was replaced, so that using it says a newer link was sent, and when.
    """

    __tablename__ = "portal_link"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="questionnaire_request.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    purpose: str = Field(sa_type=sa.String(32))  # "current" (until replaced) or "reminder"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    replaced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
