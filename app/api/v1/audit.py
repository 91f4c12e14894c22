"""The audit log, for administrators and auditors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel

from app.api.deps import PageDep, api_user, page_of, v1_router
from app.api.schemas import Page
from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep

router = v1_router("audit")
AuditReaderDep = Annotated[User, api_user(Permission.audit_read)]


class AuditEventOut(BaseModel):
    sequence: int
    occurred_at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        """Return the API view of an audit event."""
        return cls.model_validate(event, from_attributes=True)


@router.get("/audit/events", name="api.audit.list")
def list_events(
    request: Request,
    session: SessionDep,
    _user: AuditReaderDep,
    paging: PageDep,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    subject_type: Annotated[str, Query(max_length=64)] = "",
    subject_id: Annotated[str, Query(max_length=64)] = "",
    since: date | None = None,
    until: Annotated[date | None, Query(description="Inclusive.")] = None,
) -> Page[AuditEventOut]:
    """List audit events, newest first."""
    filters = audit_service.AuditFilter(
        action=action,
        actor=actor,
        subject_type=subject_type,
        subject_id=subject_id,
        since=since,
        until=until,
    )
    found = audit_service.list_events(session, filters=filters, page=paging)
    items = [AuditEventOut.of(event) for event in found.items]
    return page_of(request, items, found.total, paging)
