"""Rendering remediation pages, shared by the pages and the actions that refuse input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import utcnow
from app.core.templating import templates
from app.remediation import queries, service
from app.remediation.domain.rules import (
    SEVERITY_LABELS,
    RemediationChange,
    allowed_changes,
)
from app.remediation.models import RemediationItem
from app.vendors.models import Vendor

CHANGE_LABELS = {
    RemediationChange.ask_vendor: "Ask the vendor",
    RemediationChange.send_back: "Send back to the vendor",
    RemediationChange.close: "Verified: close",
    RemediationChange.reopen: "Reopen",
}


def _staff(session: Session, user: User) -> dict[str, Any]:
    return {
        "owners": service.owners(session),
        "severities": SEVERITY_LABELS,
        "can_write": can(user.role, Permission.decisions_write),
        "today": utcnow().date(),
    }


def render_new(
    request: Request,
    session: Session,
    user: User,
    vendor: Vendor,
    *,
    values: Mapping[str, object],
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Render the form that raises an item for a vendor."""
    context = {"vendor": vendor, "values": values, "errors": errors or {}, **_staff(session, user)}
    return templates.TemplateResponse(request, "remediation/new.html", context, status_code=status)


def _current(item: RemediationItem) -> dict[str, object]:
    return {
        "required_change": item.required_change,
        "owner_id": item.owner_id or "",
        "due_on": item.due_on.isoformat() if item.due_on else "",
        "severity": item.severity.value,
    }


def render_item(
    request: Request,
    session: Session,
    user: User,
    item: RemediationItem,
    *,
    values: Mapping[str, object] | None = None,
    action: str | None = None,
    errors: Mapping[str, str] | None = None,
    conflict: str | None = None,
    status: int = 200,
) -> Response:
    """Render an item: what must change, its history, and what can be done next."""
    row = queries.item_row(session, item)
    changes = allowed_changes(item.status)
    context = {
        "row": row,
        "item": item,
        "history": queries.history(session, item.id or 0),
        "changes": {change: CHANGE_LABELS[change] for change in CHANGE_LABELS if change in changes},
        "can_accept": RemediationChange.accept_risk in changes,
        # What was typed goes back into the form it was typed in; the others show the item.
        "values": values or {},
        "action": action,
        "current": _current(item),
        "errors": errors or {},
        "conflict": conflict,
        "can_download": can(user.role, Permission.reports_download),
        **_staff(session, user),
    }
    return templates.TemplateResponse(request, "remediation/item.html", context, status_code=status)
