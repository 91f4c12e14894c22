"""Computing, storing and recomputing vendor scores."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, func, select

from app.audit import actors
from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.db import session_scope, utcnow, write_engine
from app.core.rows import id_of
from app.reports import service as reports_service
from app.reports.models import Document, DocumentKind
from app.requests import answer_store as answering
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.scoring import batch, parallel
from app.scoring.batch import LatestScore
from app.scoring.domain.inputs import VendorProfile
from app.scoring.domain.policy import Policy
from app.scoring.domain.results import ScoreResult
from app.scoring.domain.rules import score_vendor
from app.scoring.models import Score
from app.scoring.policy_loader import load_default_policy
from app.vendors.models import InherentTier, Vendor

DEFAULT_TIER = InherentTier.high
# A new report of one of these kinds ends an override: the officer judged the old evidence.
ASSURANCE_KINDS = (
    DocumentKind.soc1_report,
    DocumentKind.soc2_report,
    DocumentKind.soc3_report,
    DocumentKind.bridge_letter,
)
OVERRIDE_FIELDS = ("override_value", "override_reason", "override_by_id", "overridden_at")
ANSWERED_STATUSES = (RequestStatus.submitted, RequestStatus.accepted)
_PROFILE_FLAGS = (
    "personal_data",
    "confidential_data",
    "uptime_critical",
    "transaction_processing",
    "icfr_relevant",
    "ai_features",
    "ai_processes_our_data",
)


def vendor_profile(vendor: Vendor) -> VendorProfile:
    """Return the scoring profile of a vendor (an unassessed tier counts as high)."""
    flags = {
        key: vendor.profile[key]
        for key in _PROFILE_FLAGS
        if isinstance(vendor.profile.get(key), bool)
    }
    names = [name for name in (vendor.name, *vendor.services_used.split(",")) if name.strip()]
    linked = vendor.profile.get("cuec_controls_linked")
    return VendorProfile(
        inherent_tier=(vendor.inherent_tier or DEFAULT_TIER).value,
        # A CUEC is owned on our side once it is mapped to one of our controls: none mapped
        # yet is an empty list, not "not checked".
        cuec_controls_linked=tuple(linked) if isinstance(linked, list) else (),
        product_names=tuple(n.strip() for n in names),
        organization_names=(vendor.name, *vendor.aliases),
        organization_domain=vendor.domain or None,
        **flags,
    )


def vendor_claims(session: Session, vendor_id: int) -> dict[str, Any]:
    """Return what the vendor claimed in its latest submitted questionnaires, by report fact."""
    requests = session.exec(
        select(QuestionnaireRequest)
        .where(
            QuestionnaireRequest.vendor_id == vendor_id,
            col(QuestionnaireRequest.status).in_([s.value for s in ANSWERED_STATUSES]),
        )
        .order_by(col(QuestionnaireRequest.submitted_at))
    ).all()
    claims = batch.new_claims()
    for request in requests:
        assert request.id is not None
        definition = answering.frozen_definition(request).definition
        values = answering.answer_values(answering.load_answers(session, request.id))
        batch.add_submission(claims, request.questionnaire_slug, definition, values)
    claims["questionnaire_titles"] = batch.questionnaire_titles()
    return claims


def compute(
    session: Session, vendor: Vendor, *, as_of: date, policy: Policy | None = None
) -> ScoreResult:
    """Score a vendor from its documents, answers and profile, without storing anything."""
    assert vendor.id is not None
    documents = [
        reports_service.scoring_facts(document, facts)
        for document, facts in reports_service.list_documents(session, vendor_id=vendor.id)
        if facts is not None
    ]
    return score_vendor(
        documents,
        vendor_claims(session, vendor.id),
        vendor_profile(vendor),
        as_of,
        policy or load_default_policy(),
    )


def _fingerprint(result: dict[str, Any]) -> str:
    stable = {k: v for k, v in result.items() if k != "evaluation_date"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def latest_score(session: Session, vendor_id: int) -> Score | None:
    """Return the vendor's most recent stored score."""
    return session.exec(
        select(Score).where(Score.vendor_id == vendor_id).order_by(col(Score.id).desc()).limit(1)
    ).first()


def recompute_vendor(
    session: Session,
    vendor: Vendor,
    *,
    as_of: date,
    reason: str,
    actor: str = "system",
    policy: Policy | None = None,
) -> Score:
    """Score a vendor and store the result when it differs from the latest stored score."""
    assert vendor.id is not None
    result = compute(session, vendor, as_of=as_of, policy=policy).model_dump(mode="json")
    fingerprint = _fingerprint(result)
    previous = latest_score(session, vendor.id)
    carried = previous is not None and override_in_force(session, previous)
    is_same = previous is not None and previous.fingerprint == fingerprint
    if is_same and previous is not None and (previous.override_value is None or carried):
        return previous
    score = _score_row(vendor.id, result, fingerprint, as_of)
    if carried and previous is not None:
        for field in OVERRIDE_FIELDS:
            setattr(score, field, getattr(previous, field))
    elif previous is not None and previous.override_value is not None:
        _record_lapse(session, previous, actor=actor)
    session.add(score)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.score_computed,
        subject_type="vendor",
        subject_id=vendor.id,
        data={
            "score": result["score"],
            "band": result["band"],
            "reason": reason,
            "policy_version": result["policy_version"],
        },
    )
    return score


def _score_row(vendor_id: int, result: dict[str, Any], fingerprint: str, as_of: date) -> Score:
    """Return a new stored score for a computed result (see ScoreResult.model_dump)."""
    return Score(**_score_values(vendor_id, result, fingerprint, as_of))


def _score_values(
    vendor_id: int, result: dict[str, Any], fingerprint: str, as_of: date
) -> dict[str, Any]:
    """Return the column values of a new stored score for a computed result."""
    return {
        "vendor_id": vendor_id,
        "value": Decimal(result["score"]) if result["score"] is not None else None,
        "band": result["band"],
        "residual_risk": result["residual_risk"],
        "provisional": result["provisional"],
        "factors": result["factors"],
        "findings": result["findings"],
        "explanation": {key: result[key] for key in _EXPLANATION_KEYS},
        "policy_version": result["policy_version"],
        "evaluated_on": as_of,
        "computed_at": utcnow(),
        "fingerprint": fingerprint,
    }


_EXPLANATION_KEYS = (
    "gates",
    "flags",
    "candidates",
    "pre_cap_score",
    "best_document_id",
    "band_label",
    "claim_checks",
    "inherent_tier",
)
RECOMPUTE_GROUP_SIZE = 500


def recompute_all(
    session: Session,
    *,
    as_of: date,
    on_progress: Callable[[int, int], None] | None = None,
    group_size: int = RECOMPUTE_GROUP_SIZE,
    workers: int = 1,
) -> int:
    """Recompute every vendor (recency decays daily); return how many scores changed.

    Vendors are read, scored and stored a group at a time, with a few queries per group;
    as in `recompute_vendor`, a vendor gets a new score only when the result changed (or
    its override lapsed). `on_progress(done, total)` is called after each group. The run
    is recorded as one audit event with its counts.

    With ``workers`` > 1, many vendors and a session that has not begun a transaction, groups
    are scored and stored in that many worker processes, each group in its own committed
    transaction; the run's audit event is then added to this session. A failed run leaves the
    groups done so far stored, and running it again finishes the rest.
    """
    use_workers = workers > 1 and not session.in_transaction()
    vendor_ids = [vendor_id for vendor_id in session.exec(select(Vendor.id)).all() if vendor_id]
    vendor_ids.sort()
    policy = load_default_policy()
    groups = [vendor_ids[at : at + group_size] for at in range(0, len(vendor_ids), group_size)]
    stored_counts: Iterable[int]
    if use_workers and parallel.worth_it(session, len(vendor_ids)):
        # Workers commit as they go: end this read transaction so that SQLite can later write
        # the run's audit event on top of theirs.
        session.rollback()
        engine = session.get_bind().engine
        stored_counts = parallel.run_groups(
            engine, groups, as_of=as_of, workers=workers, work=rescore_group_committed
        )
    else:
        stored_counts = (
            _store_group(session, score_group(session, ids, as_of=as_of, policy=policy))
            for ids in groups
        )
    changed = done = 0
    for group, stored in zip(groups, stored_counts, strict=True):
        changed += stored
        done += len(group)
        if on_progress:
            on_progress(done, len(vendor_ids))
    audit_service.record(
        session,
        actor=actors.SYSTEM,
        action=AuditAction.scores_recomputed,
        data={
            "as_of": as_of.isoformat(),
            "vendors": len(vendor_ids),
            "changed": changed,
            "reason": "scheduled",
            "policy_version": policy.version,
        },
    )
    return changed


@dataclass(frozen=True)
class ScoredGroup:
    """The new score rows of a group of vendors, and the overrides that lapsed with them."""

    rows: list[dict[str, Any]]
    lapsed: list[LatestScore]


def score_group(
    session: Session, vendor_ids: list[int], *, as_of: date, policy: Policy
) -> ScoredGroup:
    """Score a group of vendors; return the rows of the scores that changed (reads only)."""
    rows: list[dict[str, Any]] = []
    lapsed: list[LatestScore] = []
    inputs = batch.load_inputs(
        session, vendor_ids, assurance_kinds=ASSURANCE_KINDS, answered=ANSWERED_STATUSES
    )
    for item in inputs:
        profile = vendor_profile(item.vendor)
        scored = score_vendor(item.documents, item.claims, profile, as_of, policy)
        result = scored.model_dump(mode="json")
        fingerprint = _fingerprint(result)
        latest = item.latest
        carried = item.override_in_force()
        is_same = latest is not None and latest.fingerprint == fingerprint
        if is_same and latest is not None and (latest.override_value is None or carried):
            continue
        row = _score_values(id_of(item.vendor), result, fingerprint, as_of)
        # Every row names the same columns, so they go to the database as one statement.
        row |= {field: getattr(latest, field) if carried else None for field in OVERRIDE_FIELDS}
        if not carried and latest is not None and latest.override_value is not None:
            lapsed.append(latest)
        rows.append(row)
    return ScoredGroup(rows, lapsed)


def rescore_group_committed(
    engine: Engine, vendor_ids: list[int], *, as_of: date, policy: Policy
) -> int:
    """Score and store a group of vendors in a transaction of its own; return how many stored."""
    with Session(engine) as reading:
        scored = score_group(reading, vendor_ids, as_of=as_of, policy=policy)
    with session_scope(write_engine(engine)) as session:
        return _store_group(session, scored)


def _store_group(session: Session, scored: ScoredGroup) -> int:
    """Store a scored group's rows and record its lapsed overrides; return how many rows."""
    for latest in scored.lapsed:
        _record_lapse(session, latest, actor=actors.SYSTEM)
    if scored.rows:
        # One bulk INSERT: building thousands of ORM objects costs more than scoring them.
        session.execute(insert(Score), scored.rows)
    return len(scored.rows)


def score_history(session: Session, vendor_id: int, *, limit: int = 100) -> list[Score]:
    """Return the vendor's stored scores, oldest first."""
    rows = session.exec(
        select(Score)
        .where(Score.vendor_id == vendor_id)
        .order_by(col(Score.id).desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


class HoldsOverride(Protocol):
    """A stored score, or what a summary keeps of one: enough to tell if its override holds."""

    @property
    def vendor_id(self) -> int: ...
    @property
    def override_value(self) -> Decimal | None: ...
    @property
    def overridden_at(self) -> datetime | None: ...


def override_in_force(session: Session, score: HoldsOverride) -> bool:
    """Tell whether a score's override still applies: no new report arrived after it was set."""
    if score.override_value is None or score.overridden_at is None:
        return False
    newer = session.exec(
        select(Document.id)
        .where(
            Document.vendor_id == score.vendor_id,
            col(Document.kind).in_([kind.value for kind in ASSURANCE_KINDS]),
            col(Document.uploaded_at) > score.overridden_at,
        )
        .limit(1)
    ).first()
    return newer is None


def _record_lapse(session: Session, previous: Score | LatestScore, *, actor: str) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.score_override_lapsed,
        subject_type="vendor",
        subject_id=previous.vendor_id,
        data={"score_id": previous.id, "override": str(previous.override_value)},
    )


# --- Used by the JSON API: page through a vendor's score history. ---


def score_history_page(
    session: Session, vendor_id: int, *, offset: int, limit: int
) -> tuple[list[Score], int]:
    """Return one page of the vendor's stored scores, newest first, and how many there are."""
    total = session.exec(
        select(func.count()).select_from(Score).where(Score.vendor_id == vendor_id)
    ).one()
    rows = session.exec(
        select(Score)
        .where(Score.vendor_id == vendor_id)
        .order_by(col(Score.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


class HoldsFinal(Protocol):
    """A stored score, or what a summary keeps of one: enough to tell its final band."""

    @property
    def value(self) -> Decimal | None: ...
    @property
    def band(self) -> str | None: ...
    @property
    def residual_risk(self) -> str: ...
    @property
    def override_value(self) -> Decimal | None: ...
    @property
    def explanation(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class FinalScore:
    """The score that applies, and the band and residual risk that follow from it."""

    value: Decimal | None
    band: str | None
    band_label: str | None
    residual_risk: str
    is_overridden: bool


def final_score(
    score: HoldsFinal, *, override_in_force: bool, tier: InherentTier | None
) -> FinalScore:
    """Return the final score: an override in force sets the value, and the band follows it."""
    if score.override_value is None or not override_in_force:
        label = score.explanation.get("band_label")
        return FinalScore(
            score.value, score.band, str(label) if label else None, score.residual_risk, False
        )
    policy = load_default_policy()
    limit = policy.band_for(int(score.override_value))
    residual = policy.residual_for((tier or DEFAULT_TIER).value, limit.band)
    return FinalScore(score.override_value, limit.band, limit.label, residual, True)
