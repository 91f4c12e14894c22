"""Score overrides: a risk officer sets the final score by hand, with a reason.

Scoring computes; the review decides. An override is kept beside the computed score and holds
through later recomputations until new assurance evidence arrives (``scoring.service`` tells
whether one is still in force).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.core.db import utcnow
from app.core.errors import InvalidInput
from app.core.versions import check_version, fingerprint
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.vendors.models import Vendor


def _check(expected_version: str | None, score: Score | None) -> None:
    check_version(expected_version, override_version(score), what="this vendor's final score")


def override_version(score: Score | None) -> str:
    """The version of a vendor's override as the review page shows it (hidden form field)."""
    if score is None:
        return fingerprint(None)
    return fingerprint(
        score.id, score.override_value, score.override_reason, score.override_by_id,
        score.overridden_at,
    )  # fmt: skip


def _current_score(session: Session, vendor_id: int) -> Score | None:
    score = scoring_service.latest_score(session, vendor_id)
    if score is not None:
        # On PostgreSQL two officers saving at once queue here, so the second sees the first.
        session.refresh(score, with_for_update=True)
    return score


def override_score(
    session: Session,
    vendor: Vendor,
    *,
    value: Decimal,
    reason: str,
    user_id: int,
    as_of: date,
    expected_version: str | None,
) -> Score:
    """Set the final score of a vendor by hand; the computed score is kept beside it.

    The override holds through later recomputations until a new SOC report or bridge letter
    is uploaded, because the officer's judgement was about the evidence on file at the time.
    """
    assert vendor.id is not None
    if not reason.strip():
        raise InvalidInput("Give the reason for overriding the score.")
    if not Decimal(0) <= value <= Decimal(100):
        raise InvalidInput("The final score must be between 0 and 100.")
    score = _current_score(session, vendor.id)
    _check(expected_version, score)
    if score is None:
        score = scoring_service.recompute_vendor(session, vendor, as_of=as_of, reason="override")
    score.override_value = value.quantize(Decimal("0.1"))
    score.override_reason = reason.strip()
    score.override_by_id = user_id
    score.overridden_at = utcnow()
    session.add(score)
    session.flush()
    audit_service.record(
        session,
        actor=user_actor(user_id),
        action=AuditAction.score_overridden,
        subject_type="vendor",
        subject_id=vendor.id,
        data={
            "score_id": score.id,
            "computed": str(score.value) if score.value is not None else None,
            "final": str(score.override_value),
            "reason": score.override_reason,
        },
    )
    return score


def clear_override(
    session: Session, vendor: Vendor, *, user_id: int, expected_version: str | None
) -> Score | None:
    """Remove the override of a vendor's latest score; the computed score applies again."""
    assert vendor.id is not None
    score = _current_score(session, vendor.id)
    _check(expected_version, score)
    if score is None or score.override_value is None:
        return score
    previous = str(score.override_value)
    for field in scoring_service.OVERRIDE_FIELDS:
        setattr(score, field, None)
    session.add(score)
    session.flush()
    audit_service.record(
        session,
        actor=user_actor(user_id),
        action=AuditAction.score_override_removed,
        subject_type="vendor",
        subject_id=vendor.id,
        data={"score_id": score.id, "override": previous},
    )
    return score
