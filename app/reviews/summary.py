"""Keep each vendor's review summary (``vendor_review``) in step with its data.

Scores, decisions, requests and documents change in several features (the portal submits,
uploads rescore, officers decide). Rather than have each of them call the review, a flush
listener notes which vendors were touched and refreshes their summary rows in the same
transaction, so the dashboard never shows a stale row and nothing outside this package needs
to know the summary exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, insert
from sqlalchemy import inspect as inspect_state
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Result, Row
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.core.db import utcnow
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.reviews.cadence import next_review_for
from app.reviews.domain import rules
from app.reviews.models import Decision, VendorReview
from app.scoring import service as scoring_service
from app.scoring.batch import newest_score_ids
from app.scoring.models import Score
from app.vendors.models import InherentTier, Vendor

_PENDING_KEY = "vendor_review_pending"
_PENDING_FACTS_KEY = "vendor_review_pending_documents"
_TRACKED = (Score, Decision, QuestionnaireRequest, Document)
# Vendors whose summaries are read and written together (a bulk rescore touches thousands).
_GROUP_SIZE = 500
# The summary shows only a request's status: other edits to a request (each answer the vendor
# saves touches ``updated_at``) would rewrite the row with the same values.
_SUMMARISED_FIELDS: dict[type[Any], tuple[str, ...]] = {
    QuestionnaireRequest: ("status", "vendor_id"),
}


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
    next_review_on: date | None = None
    missing_requirements: int = 0


@dataclass(frozen=True)
class ScoreSummary:
    """What the summary reads of a score: a stored row's columns, or a row just inserted."""

    vendor_id: int
    value: Decimal | None
    band: str | None
    residual_risk: str
    provisional: bool
    findings: list[dict[str, Any]]
    explanation: dict[str, Any]
    override_value: Decimal | None = None
    overridden_at: datetime | None = None

    @classmethod
    def of(cls, values: Mapping[Any, Any]) -> ScoreSummary:
        """Take the summarised fields from a score's column values."""
        return cls(**{name: values[name] for name in _SUMMARISED if name in values})


_SUMMARISED = tuple(ScoreSummary.__dataclass_fields__)


def _score_values(
    session: Session, tier: InherentTier | None, score: Score | ScoreSummary | None
) -> dict[str, Any]:
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
        "missing_requirements": rules.missing_requirements(score.findings),
    }
    if score.override_value is not None and scoring_service.override_in_force(session, score):
        final = scoring_service.final_score(score, override_in_force=True, tier=tier)
        values |= {
            "score_value": final.value,
            "is_overridden": True,
            "band": final.band,
            "residual_risk": final.residual_risk,
        }
    values["risk_rank"] = rules.risk_rank(values["residual_risk"])
    return values


def _best_document_id(score: Score | ScoreSummary | None) -> int | None:
    best_id = (score.explanation.get("best_document_id") if score else None) or ""
    return int(best_id) if str(best_id).isdigit() else None


def _report_values(session: Session, score: Score | None) -> dict[str, Any]:
    best_id = _best_document_id(score)
    if best_id is None:
        return {}
    return _report_values_of(reports_service.get_facts(session, best_id))


def _report_values_of(facts: ReportFacts | Row[Any] | None) -> dict[str, Any]:
    if facts is None:
        return {}
    # As reports_service.effective_facts reads them: a correction wins over the extracted value.
    corrected = {field: change["value"] for field, change in facts.corrections.items()}
    merged: dict[str, Any] = {
        name: corrected[name] if name in corrected else _plain(getattr(facts, name))
        for name in _REPORT_FIELDS
    }
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


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _activity_values(session: Session, vendor_id: int, tier: InherentTier | None) -> dict[str, Any]:
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
    return _activity_values_of(status, decision, tier)


def _activity_values_of(
    status: str | None, decision: Decision | None, tier: InherentTier | None
) -> dict[str, Any]:
    values: dict[str, Any] = {"request_status": str(status) if status else None}
    if decision is not None:
        values |= {
            "latest_decision": decision.outcome.value,
            "latest_decision_at": decision.decided_at,
            "follow_up_on": decision.follow_up_on,
            "next_review_on": next_review_for(tier, decision.decided_at),
        }
    return values


def summarise(session: Session, vendor: Vendor) -> SummaryValues:
    """Work out a vendor's summary from its latest score, best report, request and decision."""
    assert vendor.id is not None
    score = scoring_service.latest_score(session, vendor.id)
    return SummaryValues(
        **_score_values(session, vendor.inherent_tier, score),
        **_report_values(session, score),
        **_activity_values(session, vendor.id, vendor.inherent_tier),
    )


def refresh_vendor_review(session: Session, vendor_id: int) -> None:
    """Rewrite one vendor's summary row (insert or update) from its current data."""
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        return
    _write_rows(session, {vendor_id: summarise(session, vendor)})


def refresh_vendor_reviews(
    session: Session,
    vendor_ids: Iterable[int],
    *,
    latest_scores: Mapping[int, ScoreSummary] | None = None,
) -> None:
    """Rewrite the summary rows of many vendors, reading their data a group at a time.

    ``latest_scores`` are vendors' latest scores that the caller holds already (just stored):
    they are not read back.
    """
    ordered = sorted(set(vendor_ids))
    for start in range(0, len(ordered), _GROUP_SIZE):
        group = ordered[start : start + _GROUP_SIZE]
        _write_rows(session, summarise_many(session, group, latest_scores=latest_scores))


def summarise_many(
    session: Session,
    vendor_ids: Sequence[int],
    *,
    latest_scores: Mapping[int, ScoreSummary] | None = None,
) -> dict[int, SummaryValues]:
    """Work out the summaries of many vendors with a few queries (see `summarise`)."""
    tiers = session.execute(
        sa_select(col(Vendor.id), col(Vendor.inherent_tier)).where(col(Vendor.id).in_(vendor_ids))
    ).all()
    known = latest_scores or {}
    unknown = [vendor_id for vendor_id in vendor_ids if vendor_id not in known]
    scores = _latest_scores(session, unknown) if unknown else {}
    scores |= {vendor_id: known[vendor_id] for vendor_id in vendor_ids if vendor_id in known}
    best_ids = {vendor_id: _best_document_id(score) for vendor_id, score in scores.items()}
    facts = _facts_by_document(session, [i for i in best_ids.values() if i is not None])
    statuses = _latest_request_statuses(session, vendor_ids)
    decisions = _latest_decisions(session, vendor_ids)
    summaries: dict[int, SummaryValues] = {}
    for vendor_id, tier in tiers:
        score = scores.get(vendor_id)
        best_id = best_ids.get(vendor_id)
        summaries[vendor_id] = SummaryValues(
            **_score_values(session, tier, score),
            **(_report_values_of(facts.get(best_id)) if best_id is not None else {}),
            **_activity_values_of(statuses.get(vendor_id), decisions.get(vendor_id), tier),
        )
    return summaries


# What the summary reads of a score and of its best report; their other columns (factors,
# evidence) are most of the bytes and are not shown.
_REPORT_FIELDS = ("framework", "report_type", "period_end", "exceptions_count")
_FACTS_COLUMNS: tuple[Any, ...] = (
    ReportFacts.id, ReportFacts.document_id, ReportFacts.corrections,
    *(getattr(ReportFacts, name) for name in _REPORT_FIELDS),
)  # fmt: skip


def _latest_scores(session: Session, vendor_ids: Sequence[int]) -> dict[int, ScoreSummary]:
    newest = newest_score_ids(vendor_ids)
    columns = [getattr(Score, name) for name in _SUMMARISED]
    rows = session.execute(sa_select(*columns).where(col(Score.id).in_(newest))).mappings()
    return {row["vendor_id"]: ScoreSummary.of(row) for row in rows}


def _facts_by_document(session: Session, document_ids: list[int]) -> dict[int, Row[Any]]:
    if not document_ids:
        return {}
    # Plain rows (attribute access, as on ReportFacts): no ORM object per vendor.
    statement = sa_select(*_FACTS_COLUMNS).where(col(ReportFacts.document_id).in_(document_ids))
    return {facts.document_id: facts for facts in session.execute(statement).all()}


def _latest_request_statuses(session: Session, vendor_ids: Sequence[int]) -> dict[int, str]:
    newest = (
        select(func.max(QuestionnaireRequest.id))
        .where(
            col(QuestionnaireRequest.vendor_id).in_(vendor_ids),
            QuestionnaireRequest.status != RequestStatus.cancelled,
        )
        .group_by(col(QuestionnaireRequest.vendor_id))
    )
    rows = session.exec(
        select(QuestionnaireRequest.vendor_id, QuestionnaireRequest.status).where(
            col(QuestionnaireRequest.id).in_(newest)
        )
    ).all()
    return dict(rows)


def _latest_decisions(session: Session, vendor_ids: Sequence[int]) -> dict[int, Decision]:
    newest = (
        select(func.max(Decision.id))
        .where(col(Decision.vendor_id).in_(vendor_ids))
        .group_by(col(Decision.vendor_id))
    )
    rows = session.exec(select(Decision).where(col(Decision.id).in_(newest))).all()
    return {decision.vendor_id: decision for decision in rows}


def _write_rows(session: Session, summaries: dict[int, SummaryValues]) -> None:
    """Insert or update the summary rows, one statement for all of them."""
    if not summaries:
        return
    updated_at = utcnow()
    # The values are plain scalars: a shallow copy, not asdict()'s deep one.
    rows = [
        {"vendor_id": vendor_id, **vars(values), "updated_at": updated_at}
        for vendor_id, values in summaries.items()
    ]
    table = VendorReview.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = pg_insert(table)
    elif dialect == "sqlite":
        statement = sqlite_insert(table)
    else:  # pragma: no cover - only the two supported databases exist
        statement = insert(table)
    columns = [name for name in rows[0] if name != "vendor_id"]
    statement = statement.on_conflict_do_update(
        index_elements=["vendor_id"], set_={name: statement.excluded[name] for name in columns}
    )
    session.connection().execute(statement, rows)
    for vendor_id in summaries:
        cached = session.identity_map.get(session.identity_key(VendorReview, vendor_id))
        if cached is not None:
            session.expire(cached)


def rebuild_all(session: Session) -> int:
    """Refresh every vendor's summary (after a restore, or for rows written before it existed)."""
    vendor_ids = session.exec(select(Vendor.id).order_by(col(Vendor.id))).all()
    for vendor_id in vendor_ids:
        refresh_vendor_review(session, vendor_id or 0)
    return len(vendor_ids)


def _changes_summary(session: OrmSession, obj: object) -> bool:
    fields = _SUMMARISED_FIELDS.get(type(obj))
    if fields is None or obj in session.new or obj in session.deleted:
        return True
    attributes = inspect_state(obj).attrs
    return any(attributes[name].history.has_changes() for name in fields)


def _note_changes(session: OrmSession, _context: UOWTransaction) -> None:
    vendors: set[int] = session.info.setdefault(_PENDING_KEY, set())
    documents: set[int] = session.info.setdefault(_PENDING_FACTS_KEY, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _TRACKED) and obj.vendor_id and _changes_summary(session, obj):
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
    refresh_vendor_reviews(session, vendors)


def _refresh_after_bulk_insert(state: ORMExecuteState) -> Result[Any] | None:
    """Run an ORM bulk INSERT of tracked rows, then refresh the vendors it added rows for.

    ``session.execute(insert(Score), rows)`` stores rows without a flush, so the flush
    listeners never see them (the nightly rescore stores thousands of scores this way).
    """
    mapper = state.bind_mapper
    if not state.is_insert or mapper is None or not issubclass(mapper.class_, _TRACKED):
        return None
    parameters = state.parameters
    rows: list[Any] = list(parameters) if isinstance(parameters, list) else [parameters or {}]
    vendors = {row["vendor_id"] for row in rows if row.get("vendor_id")}
    result = state.invoke_statement()
    if vendors:
        assert isinstance(state.session, Session)
        # New scores are each vendor's latest: build them from the rows, not by reading back.
        is_score = mapper.class_ is Score
        stored = {row["vendor_id"]: ScoreSummary.of(row) for row in rows} if is_score else {}
        refresh_vendor_reviews(state.session, vendors, latest_scores=stored)
    return result


def install() -> None:
    """Listen to every session's flushes and bulk inserts (idempotent)."""
    if not event.contains(OrmSession, "after_flush", _note_changes):
        event.listen(OrmSession, "after_flush", _note_changes)
        event.listen(OrmSession, "after_flush_postexec", _refresh_noted)
    if not event.contains(OrmSession, "do_orm_execute", _refresh_after_bulk_insert):
        event.listen(OrmSession, "do_orm_execute", _refresh_after_bulk_insert)
