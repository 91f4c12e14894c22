"""Decisions about vendors and score overrides, each with a reason and kept in history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.models import User
from app.core.config import Settings
from app.core.errors import InvalidInput
from app.core.rows import id_of
from app.remediation import service as remediation_service
from app.requests import service as requests_service
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.reviews import overrides
from app.reviews.models import Decision, DecisionOutcome
from app.reviews.schemas import DecisionForm
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.vendors.models import Vendor


def latest_submitted_request(session: Session, vendor_id: int) -> QuestionnaireRequest | None:
    """Return the vendor's latest submitted questionnaire (the one "more information" reopens)."""
    return session.exec(
        select(QuestionnaireRequest)
        .where(
            QuestionnaireRequest.vendor_id == vendor_id,
            QuestionnaireRequest.status == RequestStatus.submitted,
        )
        .order_by(
            col(QuestionnaireRequest.submitted_at).desc(), col(QuestionnaireRequest.id).desc()
        )
    ).first()


def list_decisions(session: Session, vendor_id: int) -> list[tuple[Decision, str]]:
    """Return a vendor's decisions, newest first, with who made each."""
    rows = session.exec(
        select(Decision, User)
        .outerjoin(User, col(User.id) == Decision.decided_by_id)
        .where(Decision.vendor_id == vendor_id)
        .order_by(col(Decision.id).desc())
    ).all()
    return [(decision, (user.full_name or user.email) if user else "—") for decision, user in rows]


def _reopen_for_information(
    session: Session, *, vendor_id: int, message: str, user: User, settings: Settings
) -> QuestionnaireRequest:
    request = latest_submitted_request(session, vendor_id)
    if request is None:
        raise InvalidInput(
            "There is no submitted questionnaire to reopen; send the vendor a new one."
        )
    requests_service.request_changes(
        session, request=request, message=message, actor=user, settings=settings
    )
    return request


def record_decision(
    session: Session,
    *,
    vendor: Vendor,
    form: DecisionForm,
    user: User,
    settings: Settings,
    today: date,
) -> Decision:
    """Record a decision; asking for more information reopens the vendor's questionnaire.

    The conditions of an approval with conditions become remediation items, one per line.
    """
    assert vendor.id is not None
    request = None
    if form.outcome is DecisionOutcome.more_information_requested:
        request = _reopen_for_information(
            session, vendor_id=vendor.id, message=form.message, user=user, settings=settings
        )
    is_conditional = form.outcome is DecisionOutcome.approved_with_conditions
    score = scoring_service.latest_score(session, vendor.id)
    decision = Decision(
        vendor_id=vendor.id,
        request_id=request.id if request else None,
        score_id=score.id if score else None,
        outcome=form.outcome,
        reason=form.reason,
        conditions=form.conditions if is_conditional else "",
        follow_up_on=form.follow_up_on if is_conditional else None,
        decided_by_id=user.id,
    )
    session.add(decision)
    session.flush()
    _audit(session, decision, user)
    if is_conditional and form.follow_up_on is not None:
        # Each condition is something the vendor must change: it is tracked as an item.
        remediation_service.create_from_conditions(
            session, vendor_id=vendor.id, decision_id=id_of(decision), conditions=form.conditions,
            due_on=form.follow_up_on, owner_id=user.id, user_id=user.id,
            actor=user_actor(id_of(user)),
        )  # fmt: skip
    scoring_service.recompute_vendor(
        session, vendor, as_of=today, reason="decision recorded", actor=user_actor(id_of(user))
    )
    return decision


def _audit(session: Session, decision: Decision, user: User) -> None:
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.decision_recorded,
        subject_type="vendor",
        subject_id=decision.vendor_id,
        data={
            "decision_id": decision.id,
            "outcome": decision.outcome.value,
            "follow_up_on": decision.follow_up_on.isoformat() if decision.follow_up_on else None,
            "request_id": decision.request_id,
        },
    )


def override(
    session: Session,
    *,
    vendor: Vendor,
    value: Decimal,
    reason: str,
    user: User,
    today: date,
    expected_version: str | None,
) -> Score:
    """Set the final score by hand with a reason; the computed score stays beside it."""
    return overrides.override_score(
        session, vendor, value=value, reason=reason, user_id=id_of(user), as_of=today,
        expected_version=expected_version,
    )  # fmt: skip
