"""A vendor's completed standard questionnaire (CAIQ, HECVAT...): its answers, kept as evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, utcnow


class CompletedQuestionnaire(SQLModel, table=True):
    """The answers read from one uploaded completed questionnaire, each with sheet and row."""

    __tablename__ = "completed_questionnaire"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True, ondelete="CASCADE")
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    layout: str = Field(sa_type=sa.String(40))  # e.g. caiq-v4, hecvat-lite-v3
    format: str = Field(sa_type=sa.String(40))  # e.g. caiq, hecvat-lite
    title: str = Field(sa_type=sa.String(200))
    # [{"id", "question", "answer", "notes", "sheet", "row"}, ...]
    answers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    read_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
