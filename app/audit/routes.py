"""The administrators' and auditors' view of the audit log.

Access is granted by the permission table (``audit.list`` needs ``audit.read``), checked for
every route before the handler runs; this feature imports no other.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.audit import service as audit_service
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.templating import templates

router = APIRouter(tags=["audit"])


@router.get("/admin/audit", name="audit.list")
def audit_list(
    request: Request,
    session: SessionDep,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    subject_type: Annotated[str, Query(max_length=64)] = "",
    subject_id: Annotated[str, Query(max_length=64)] = "",
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = audit_service.AuditFilter(
        action=action,
        actor=actor,
        subject_type=subject_type,
        subject_id=subject_id,
        since=since,
        until=until,
    )
    events = audit_service.list_events(session, filters=filters, page=PageRequest.of(page))
    params = {
        "action": action,
        "actor": actor,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
    }
    context = {
        "events": events,
        "filters": filters,
        "params": {k: v for k, v in params.items() if v},
        "actions": audit_service.list_actions(session),
    }
    return templates.TemplateResponse(request, "audit/list.html", context)
