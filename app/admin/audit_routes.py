"""The audit log page, read-only, for administrators, auditors and risk officers.

Administrators and auditors (``audit.read``) see every event. Risk officers (``audit.review``)
see what concerns vendors: vendors, contacts, questionnaires, requests, answers, documents,
scores, decisions and exports; security and administration events (sign-ins, accounts, roles,
API tokens, organisation settings, refusals, storage upkeep, the log's own checks) stay with
administrators and auditors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.admin import audit_view
from app.audit import service as audit_service
from app.audit.domain.wording import ADMINISTRATION_PREFIXES, SUBJECT_WORDS, action_label
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.templating import templates

router = APIRouter(tags=["audit"])
ReaderDep = Annotated[User, require(Permission.audit_review)]


def hidden_actions(user: User) -> tuple[str, ...]:
    """Return the action prefixes this person may not see in the log."""
    return () if can(user.role, Permission.audit_read) else ADMINISTRATION_PREFIXES


@router.get("/admin/audit", name="audit.list")
def audit_list(
    request: Request,
    session: SessionDep,
    user: ReaderDep,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    subject_type: Annotated[str, Query(max_length=64)] = "",
    subject_id: Annotated[str, Query(max_length=64)] = "",
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    hidden = hidden_actions(user)
    filters = audit_service.AuditFilter(
        action=action,
        actor=actor,
        subject_type=subject_type,
        subject_id=subject_id,
        since=since,
        until=until,
        hidden_prefixes=hidden,
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
    actions = audit_service.list_actions(session, hidden_prefixes=hidden)
    context = {
        "events": events,
        "rows": audit_view.present(session, events.items),
        "filters": filters,
        "params": {k: v for k, v in params.items() if v},
        "actions": [(name, action_label(name)) for name in actions],
        "people": audit_view.people_choices(session),
        "subjects": sorted(SUBJECT_WORDS.items(), key=lambda item: item[1]),
        "is_filtered_by_role": bool(hidden),
    }
    return templates.TemplateResponse(request, "audit/list.html", context)
