"""Request and response bodies of questionnaire requests and their answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from app.api.schemas import StrictBody
from app.core.rows import id_of
from app.requests.models import Answer, QuestionnaireRequest, RequestStatus

Message = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class RequestIn(StrictBody):
    """Send the latest version of a questionnaire to one of the vendor's contacts."""

    questionnaire: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    contact_id: int = Field(ge=1, le=2**31 - 1)
    due_on: date | None = None
    message: Message = ""


class RequestPatch(StrictBody):
    """Extend a request: a later due date keeps the vendor's link alive past it."""

    due_on: date


class ChangesIn(StrictBody):
    """Reopen a submitted questionnaire; the vendor gets this message and a fresh link."""

    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class RequestOut(BaseModel):
    id: int
    vendor_id: int
    contact_id: int | None
    questionnaire: str
    questionnaire_version: int
    status: RequestStatus
    message: str
    due_on: date | None
    sent_at: datetime | None
    opened_at: datetime | None
    submitted_at: datetime | None
    link_expires_at: datetime | None
    link_revoked_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, found: QuestionnaireRequest) -> RequestOut:
        """Return the API view of a request row (never its link)."""
        return cls(
            id=id_of(found),
            vendor_id=found.vendor_id,
            contact_id=found.contact_id,
            questionnaire=found.questionnaire_slug,
            questionnaire_version=found.questionnaire_version,
            status=found.status,
            message=found.message,
            due_on=found.due_on,
            sent_at=found.sent_at,
            opened_at=found.opened_at,
            submitted_at=found.submitted_at,
            link_expires_at=found.expires_at,
            link_revoked_at=found.revoked_at,
            created_at=found.created_at,
            updated_at=found.updated_at,
        )


class AnswerOut(BaseModel):
    question_id: str
    value: Any = Field(description="The answer as the questionnaire defines it.")
    updated_at: datetime

    @classmethod
    def of(cls, answer: Answer) -> AnswerOut:
        """Return the API view of an answer row."""
        return cls(question_id=answer.question_id, value=answer.value, updated_at=answer.updated_at)
