"""Keep each vendor's review summary (``vendor_review``) in step with its data.

Scores, decisions, requests and documents change in several features (the portal submits,
uploads rescore, officers decide). Rather than have each of them call the review, a flush
listener notes which vendors were touched and refreshes their summary rows in the same
transaction, so the dashboard never shows a stale row and nothing outside this package needs
to know the summary exists.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, col, select

from app.core.db import utcnow
from app.questionnaires.models import QuestionnaireRequest, RequestStatus
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.reviews import rules
from app.reviews.models import CuecOwner, Decision, VendorReview
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.scoring.policy_loader import load_default_policy
from app.vendors.models import Vendor

_PENDING_KEY = "vendor_review_pending"
_PENDING_FACTS_KEY = "vendor_review_pending_documents"
_TRACKED = (Score, Decision, QuestionnaireRequest, Document, CuecOwner)


@dataclass(frozen=True)
class SummaryValues:
    score_value: Decimal | None = None
    computed_value: Decimal | None = None
    is_overridden: bool = False
    band: str | None = None
    residual_risk: str | None = None
    risk_rank: int = 0
    provisional: bool = False
    best_report: str | None = None
    period_end: date | None = None
    current_until: date | None = None
    exceptions_count: int | None = None
    open_findings: int = 0
    has_contradictions: bool = False
    request_status: str | None = None
    latest_decision: str | None = None
    latest_decision_at: datetime | None = None
    follow_up_on: date | None = None


def _score_values(session: Session, vendor: Vendor, score: Score | None) -> dict[str, Any]:
    if score is None:
        return {}
    values: dict[str, Any] = {
        "score_value": score.value,
        "computed_value": score.value,
        "band": score.band,
        "residual_risk": score.residual_risk,
        "provisional": score.provisional,
        "open_findings": len(score.findings),
        "has_contradictions": any(rules.is_contradiction(f["code"]) for f in score.findings),
    }
    if score.override_value is not None and scoring_service.override_in_force(session, score):
        policy = load_default_policy()
        band = policy.band_for(int(score.override_value)).band
        tier = (vendor.inherent_tier or scoring_service.DEFAULT_TIER).value
        values |= {
            "score_value": score.override_value,
            "is_overridden": True,
            "band": band,
            "residual_risk": policy.residual_for(tier, band),  # type: ignore[arg-type]
        }
    values["risk_rank"] = rules.risk_rank(values["residual_risk"])
    return values


def _report_values(session: Session, score: Score | None) -> dict[str, Any]:
    best_id = (score.explanation.get("best_document_id") if score else None) or ""
    if not str(best_id).isdigit():
        return {}
    facts = reports_service.get_facts(session, int(best_id))
    if facts is None:
        return {}
    effective = reports_service.effective_facts(facts)
    corrected = effective["corrections"]
    merged = {**effective, **corrected}
    period_end = date.fromisoformat(merged["period_end"]) if merged.get("period_end") else None
    count = merged.get("exceptions_count")
    return {
        "best_report": rules.report_label(merged.get("framework"), merged.get("report_type")),
        "period_end": period_end,
        "current_until": rules.current_until(period_end),
        "exceptions_count": int(count)
        if isinstance(count, int | str) and str(count).isdigit()
        else None,
    }


def _activity_values(session: Session, vendor_id: int) -> dict[str, Any]:
    status = session.exec(
        select(QuestionnaireRequest.status)
        .where(
            QuestionnaireRequest.vendor_id == vendor_id,
            QuestionnaireRequest.status != RequestStatus.cancelled,
        )
        .order_by(col(QuestionnaireRequest.id).desc())
        .limit(1)
    ).first()
    decision = session.exec(
        select(Decision).where(Decision.vendor_id == vendor_id).order_by(col(Decision.id).desc())
    ).first()
    values: dict[str, Any] = {"request_status": str(status) if status else None}
    if decision is not None:
        values |= {
            "latest_decision": decision.outcome.value,
            "latest_decision_at": decision.decided_at,
            "follow_up_on": decision.follow_up_on,
        }
    return values


def summarise(session: Session, vendor: Vendor) -> SummaryValues:
    """Work out a vendor's summary from its latest score, best report, request and decision."""
    assert vendor.id is not None
    score = scoring_service.latest_score(session, vendor.id)
    return SummaryValues(
        **_score_values(session, vendor, score),
        **_report_values(session, score),
        **_activity_values(session, vendor.id),
    )


def refresh_vendor_review(session: Session, vendor_id: int) -> None:
    """Rewrite one vendor's summary row (insert or update) from its current data."""
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        return
    values = {**asdict(summarise(session, vendor)), "updated_at": utcnow()}
    table = VendorReview.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    row = {"vendor_id": vendor_id, **values}
    if dialect == "postgresql":
        statement: Any = pg_insert(table).values(row)
    elif dialect == "sqlite":
        statement = sqlite_insert(table).values(row)
    else:  # pragma: no cover - only the two supported databases exist
        statement = insert(table).values(row)
    statement = statement.on_conflict_do_update(index_elements=["vendor_id"], set_=values)
    session.connection().execute(statement)
    cached = session.identity_map.get(session.identity_key(VendorReview, vendor_id))
    if cached is not None:
        session.expire(cached)


def rebuild_all(session: Session) -> int:
    """Refresh every vendor's summary (after a restore, or for rows written before it existed)."""
    vendor_ids = session.exec(select(Vendor.id).order_by(col(Vendor.id))).all()
    for vendor_id in vendor_ids:
        refresh_vendor_review(session, vendor_id or 0)
    return len(vendor_ids)


def _note_changes(session: OrmSession, _context: UOWTransaction) -> None:
    vendors: set[int] = session.info.setdefault(_PENDING_KEY, set())
    documents: set[int] = session.info.setdefault(_PENDING_FACTS_KEY, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _TRACKED) and obj.vendor_id:
            vendors.add(obj.vendor_id)
        elif isinstance(obj, ReportFacts) and obj.document_id:
            documents.add(obj.document_id)
        elif isinstance(obj, Vendor) and obj.id and obj not in session.deleted:
            vendors.add(obj.id)


def _refresh_noted(session: OrmSession, _context: UOWTransaction) -> None:
    vendors: set[int] = session.info.pop(_PENDING_KEY, set())
    documents: set[int] = session.info.pop(_PENDING_FACTS_KEY, set())
    if not vendors and not documents:
        return
    assert isinstance(session, Session)
    if documents:
        owners = session.exec(select(Document.vendor_id).where(col(Document.id).in_(documents)))
        vendors.update(owners.all())
    for vendor_id in sorted(vendors):
        refresh_vendor_review(session, vendor_id)


def install() -> None:
    """Listen to every session's flushes (idempotent)."""
    if not event.contains(OrmSession, "after_flush", _note_changes):
        event.listen(OrmSession, "after_flush", _note_changes)
        event.listen(OrmSession, "after_flush_postexec", _refresh_noted)


install()
