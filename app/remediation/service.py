"""Remediation items: raise, edit, answer, verify, close, accept as risk, reopen.

Every change goes through ``_change``: the row is updated only when its version is still the
one the caller saw (lost-update protection), a history entry says what happened, and the audit
log records it. Free text (what must change, answers, notes) stays out of the audit data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, update
from sqlmodel import Session, col, func, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.auth.models import User
from app.core.db import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.versions import StaleEdit
from app.remediation.domain import rules
from app.remediation.domain.rules import (
    ACTIVE,
    ChangeRefused,
    RemediationChange,
    RemediationSeverity,
    RemediationStatus,
)
from app.remediation.errors import ChangeNotAllowed
from app.remediation.models import EntryKind, RemediationEntry, RemediationItem
from app.remediation.schemas import AcceptForm, ItemForm, NewItemForm

SUBJECT = "remediation_item"
_CHANGE_ACTIONS = {
    RemediationChange.ask_vendor: AuditAction.remediation_sent_to_vendor,
    RemediationChange.vendor_answer: AuditAction.remediation_answered,
    RemediationChange.send_back: AuditAction.remediation_sent_back,
    RemediationChange.close: AuditAction.remediation_closed,
    RemediationChange.accept_risk: AuditAction.remediation_risk_accepted,
    RemediationChange.reopen: AuditAction.remediation_reopened,
}


def get_item(session: Session, item_id: int) -> RemediationItem | None:
    """Return an item, or None."""
    return session.get(RemediationItem, item_id)


def require_item(session: Session, item_id: int) -> RemediationItem:
    """Return an item or raise NotFound."""
    item = get_item(session, item_id)
    if item is None:
        raise NotFound(f"There is no remediation item with id {item_id}.")
    return item


def owners(session: Session) -> list[User]:
    """Return the active staff who can own an item, by name."""
    return list(
        session.exec(
            select(User)
            .where(col(User.is_active).is_(True))
            .order_by(col(User.full_name), col(User.email))
        ).all()
    )


def _check_owner(session: Session, owner_id: int | None) -> None:
    if owner_id is None:
        return
    owner = session.get(User, owner_id)
    if owner is None or not owner.is_active:
        raise InvalidInput(
            "Choose an owner from the list of active staff.", details={"field": "owner_id"}
        )


def _audit(
    session: Session, item: RemediationItem, action: AuditAction, actor: str, **data: Any
) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=item.id or 0,
        data={"vendor_id": item.vendor_id, "version": item.version, **data},
    )


def _entry(
    session: Session, item: RemediationItem, kind: EntryKind, actor: str, **values: Any
) -> None:
    session.add(RemediationEntry(item_id=item.id or 0, kind=kind, actor=actor, **values))


def create_item(
    session: Session,
    *,
    vendor_id: int,
    form: NewItemForm | ItemForm,
    actor: str,
    user_id: int | None,
    decision_id: int | None = None,
) -> RemediationItem:
    """Raise an item for a vendor (by hand, from a finding, or from an approval's condition)."""
    _check_owner(session, form.owner_id)
    finding_code = getattr(form, "finding_code", "") or None
    item = RemediationItem(
        vendor_id=vendor_id,
        finding_code=finding_code,
        finding_ref=getattr(form, "finding_ref", ""),
        decision_id=decision_id,
        required_change=form.required_change,
        owner_id=form.owner_id,
        due_on=form.due_on,
        severity=form.severity,
        created_by_id=user_id,
    )
    session.add(item)
    session.flush()
    _entry(session, item, EntryKind.created, actor, author_id=user_id, status_to=item.status)
    _audit(
        session, item, AuditAction.remediation_created, actor,
        source="finding" if finding_code else "decision" if decision_id else "staff",
        finding_code=finding_code, decision_id=decision_id, severity=item.severity.value,
        owner_id=item.owner_id, due_on=item.due_on.isoformat() if item.due_on else None,
    )  # fmt: skip
    session.flush()
    return item


def create_from_conditions(
    session: Session,
    *,
    vendor_id: int,
    decision_id: int,
    conditions: str,
    due_on: date,
    owner_id: int | None,
    user_id: int | None,
    actor: str,
) -> list[RemediationItem]:
    """Turn each condition of an approval into an item due on the follow-up date.

    The officer who decided owns the items until someone else is named.
    """
    return [
        create_item(
            session,
            vendor_id=vendor_id,
            form=ItemForm(
                required_change=text,
                owner_id=owner_id,
                due_on=due_on,
                severity=RemediationSeverity.medium,
            ),
            actor=actor,
            user_id=user_id,
            decision_id=decision_id,
        )
        for text in rules.conditions_of(conditions)
    ]


def _bump(session: Session, item: RemediationItem, expected_version: int, **values: Any) -> None:
    """Write ``values`` only if the item is still at ``expected_version``; else StaleEdit."""
    result = session.execute(
        update(RemediationItem)
        .where(col(RemediationItem.id) == item.id, col(RemediationItem.version) == expected_version)
        .values(version=expected_version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(item)
        raise StaleEdit(
            "Someone else changed this remediation item after you opened it. The current "
            "version is shown; check it and make your change again.",
            details={"current_version": item.version},
        )
    session.refresh(item)


def edit_item(
    session: Session,
    item: RemediationItem,
    *,
    form: ItemForm,
    expected_version: int,
    actor: str,
    user_id: int | None,
) -> RemediationItem:
    """Change what must change, its owner, due date or severity (not once it is finished)."""
    if item.status not in ACTIVE:
        raise ChangeNotAllowed("A finished item cannot be edited; reopen it first.")
    _check_owner(session, form.owner_id)
    values = {
        "required_change": form.required_change,
        "owner_id": form.owner_id,
        "due_on": form.due_on,
        "severity": form.severity,
    }
    changed = sorted(name for name, value in values.items() if getattr(item, name) != value)
    _bump(session, item, expected_version, **values)
    summary = ", ".join(name.replace("_", " ") for name in changed)
    _entry(
        session, item, EntryKind.edited, actor, author_id=user_id,
        text=f"Changed: {summary}" if changed else "",
    )  # fmt: skip
    _audit(session, item, AuditAction.remediation_updated, actor, fields=changed)
    session.flush()
    return item


def change_status(
    session: Session,
    item: RemediationItem,
    *,
    change: RemediationChange,
    expected_version: int,
    actor: str,
    user_id: int | None = None,
    text: str = "",
    document_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> RemediationItem:
    """Move an item to its next status by a change that its status allows."""
    try:
        target = rules.next_status(item.status, change)
    except ChangeRefused as exc:
        raise ChangeNotAllowed(exc.message) from None
    before = item.status
    values: dict[str, Any] = {"status": target, **(extra or {})}
    if target is RemediationStatus.closed:
        values["closed_at"] = utcnow()
    _bump(session, item, expected_version, **values)
    kind = (
        EntryKind.vendor_answer
        if change is RemediationChange.vendor_answer
        else EntryKind.status_changed
    )
    _entry(session, item, kind, actor, author_id=user_id, text=text, document_id=document_id,
           status_from=before, status_to=target)  # fmt: skip
    _audit(session, item, _CHANGE_ACTIONS[change], actor, status_from=before.value,
           status_to=target.value, document_id=document_id)  # fmt: skip
    session.flush()
    return item


def accept_risk(
    session: Session,
    item: RemediationItem,
    *,
    form: AcceptForm,
    expected_version: int,
    user: User,
    actor: str,
    today: date,
) -> RemediationItem:
    """Accept the risk until a date, saying why; on that date the item reopens by itself."""
    try:
        rules.check_acceptance_end(form.accepted_until, today)
    except ChangeRefused as exc:
        raise InvalidInput(exc.message, details={"field": "accepted_until"}) from None
    return change_status(
        session, item, change=RemediationChange.accept_risk, expected_version=expected_version,
        actor=actor, user_id=user.id, text=form.reason,
        extra={"accepted_by_id": user.id, "accepted_reason": form.reason,
               "accepted_until": form.accepted_until, "accepted_at": utcnow()},
    )  # fmt: skip


def add_note(
    session: Session, item: RemediationItem, *, text: str, actor: str, user_id: int | None
) -> RemediationEntry:
    """Add a staff note to the item's history (seen by staff only)."""
    entry = RemediationEntry(
        item_id=item.id or 0, kind=EntryKind.staff_note, actor=actor, author_id=user_id, text=text
    )
    session.add(entry)
    session.flush()
    _audit(session, item, AuditAction.remediation_note_added, actor, entry_id=entry.id)
    return entry


def reopen_lapsed_acceptances(session: Session, *, today: date, actor: str) -> int:
    """Reopen every accepted risk whose end date has come; return how many reopened."""
    lapsed = session.exec(
        select(RemediationItem)
        .where(
            RemediationItem.status == RemediationStatus.accepted_as_risk,
            col(RemediationItem.accepted_until) <= today,
        )
        .order_by(col(RemediationItem.id))
    ).all()
    reopened = 0
    for item in lapsed:
        if not rules.acceptance_lapsed(item.status, item.accepted_until, today):
            continue
        ended = item.accepted_until.isoformat() if item.accepted_until else ""
        try:
            change_status(
                session, item, change=RemediationChange.reopen, expected_version=item.version,
                actor=actor, text=f"The risk acceptance ended on {ended}.",
            )  # fmt: skip
        except (StaleEdit, ChangeNotAllowed):
            continue  # changed by someone at the same moment: it is no longer a lapsed acceptance
        reopened += 1
    return reopened


def overdue_clause(vendor_id: Any, today: date) -> ColumnElement[bool]:
    """Return "the vendor has an item still being worked on past its due date" (for filters)."""
    return exists().where(
        col(RemediationItem.vendor_id) == vendor_id,
        col(RemediationItem.status).in_(ACTIVE),
        col(RemediationItem.due_on) < today,
    )


def _overdue(today: date) -> ColumnElement[bool]:
    return and_(col(RemediationItem.status).in_(ACTIVE), col(RemediationItem.due_on) < today)


def overdue_counts(session: Session, vendor_ids: Iterable[int], today: date) -> dict[int, int]:
    """Return how many overdue items each of these vendors has (vendors with none are left out)."""
    ids = list(vendor_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(RemediationItem.vendor_id, func.count())
        .where(col(RemediationItem.vendor_id).in_(ids), _overdue(today))
        .group_by(col(RemediationItem.vendor_id))
    ).all()
    return dict(rows)
