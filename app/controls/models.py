"""Our control catalogue and the links from vendors' CUECs to it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import UTCDateTime, utcnow


class Control(SQLModel, table=True):
    """One of our own controls: our identifier for it, its name and who owns it."""

    __tablename__ = "control"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(sa_type=sa.String(64), unique=True)
    name: str = Field(sa_type=sa.String(300))
    owner_email: str = Field(sa_type=sa.String(320))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CuecLink(SQLModel, table=True):
    """One CUEC of one vendor report, met by one of our controls, and its owner's confirmation.

    A newer report with the same CUEC text gets its own row with the same control when its
    owner confirms again: confirmations never carry over from one report to the next.
    """

    __tablename__ = "cuec_link"
    __table_args__ = (sa.UniqueConstraint("document_id", "cuec_key"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    cuec_key: str = Field(sa_type=sa.String(64))
    cuec_text: str = Field(sa_type=sa.Text)
    control_id: int = Field(foreign_key="control.id", index=True, ondelete="CASCADE")
    linked_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    linked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The owner's answer: is the control in place, the evidence, and the day it was checked.
    in_place: bool | None = None
    evidence: str = Field(default="", sa_type=sa.Text)
    checked_on: date | None = None
    confirmed_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
