"""What the vendor's review page shows: score card, evidence, answers beside facts, documents,
CUECs, subservice organisations, decisions and the two charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.audit.actors import user_actor
from app.auth.models import User
from app.core.errors import InvalidInput
from app.core.rows import id_of
from app.core.versions import check_version
from app.questionnaires.domain.definition import Choice
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.requests import answer_store as answering
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.reviews import cuecs as cuecs_service
from app.reviews.cadence import next_review_for, tier_reassessment
from app.reviews.control_questions import ControlQuestions, control_questions
from app.reviews.decisions import latest_submitted_request, list_decisions
from app.reviews.document_views import (
    DocumentView,
    FactLine,
    document_view,
    fact_version,
    merged_facts,
)
from app.reviews.domain import evidence, rules, timeline
from app.reviews.domain.fact_sheet import as_date, quote_excerpt
from app.reviews.domain.rules import REQUIREMENT_MISSING
from app.reviews.models import Decision
from app.reviews.overrides import override_version
from app.reviews.summary import summarise
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.vendors.models import Vendor


@dataclass(frozen=True)
class ScoreCard:
    score: Score | None
    final: Decimal | None
    computed: Decimal | None
    is_overridden: bool
    override_lapsed: bool
    overridden_by: str | None
    band: str | None
    residual_risk: str | None
    factors: tuple[dict[str, Any], ...]
    findings: tuple[dict[str, Any], ...]
    # The label of the final band (an override's band when one is in force) and the band
    # the computed score had.
    band_label: str | None = None
    computed_band: str | None = None

    @property
    def override_version(self) -> str:
        """The version the override forms carry, so a stale page cannot replace a newer one."""
        return override_version(self.score)


@dataclass(frozen=True)
class ReviewPage:
    vendor: Vendor
    card: ScoreCard
    comparison: list[evidence.ComparisonRow]
    documents: list[DocumentView]
    cuecs: list[cuecs_service.CuecLine]
    subservice: dict[str, Any]
    decisions: list[tuple[Decision, str]]
    reopenable: QuestionnaireRequest | None
    history_svg: Markup
    timeline_svg: Markup
    current_until: date | None
    extra: dict[str, Any] = field(default_factory=dict)
    controls: ControlQuestions | None = None
    next_review_on: date | None = None
    review_months: int | None = None

    @cached_property
    def cuecs_mapped(self) -> frozenset[str]:
        """Keys of the CUECs mapped to one of our controls (their owner is the control's).

        Read once: the CUEC section asks for every row."""
        linked = self.vendor.profile.get("cuec_controls_linked")
        return frozenset(str(key) for key in linked) if isinstance(linked, list) else frozenset()

    @property
    def document_names(self) -> dict[str, str]:
        """File names by document id (as text, the way evidence refers to documents)."""
        return {str(view.document.id): view.document.filename for view in self.documents}

    @property
    def doubtful(self) -> list[tuple[DocumentView, FactLine]]:
        """Facts, among those each document's kind carries, that a reviewer should confirm."""
        return [(view, line) for view in self.documents for line in view.doubtful]

    @property
    def latest_decision(self) -> tuple[Decision, str] | None:
        """The decision in force and who made it, if any."""
        return self.decisions[0] if self.decisions else None

    @property
    def open_findings(self) -> list[dict[str, Any]]:
        """The findings about the evidence, most severe first (what the tier's requirements
        still lack is grouped apart: see `tier_gaps`)."""
        order = {"high": 0, "medium": 1, "low": 2}
        return sorted(
            (f for f in self.card.findings if f.get("code") != REQUIREMENT_MISSING),
            key=lambda f: order.get(str(f.get("severity")), 3),
        )

    @property
    def tier_gaps(self) -> list[dict[str, Any]]:
        """What the vendor's tier requires and it has not provided, one finding each."""
        return [f for f in self.card.findings if f.get("code") == REQUIREMENT_MISSING]


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {id_of(user): user.full_name or user.email for user in rows}


def _with_excerpts(refs: object) -> list[dict[str, Any]]:
    """Evidence references with their quotes shortened between words for the page."""
    if not isinstance(refs, list):
        return []
    return [
        {**ref, "excerpt": quote_excerpt(str(ref.get("snippet") or ""))}
        for ref in refs
        if isinstance(ref, dict)
    ]


def score_card(session: Session, vendor: Vendor, score: Score | None) -> ScoreCard:
    """Summarise the latest score: computed and final values, factors and findings."""
    if score is None:
        return ScoreCard(None, None, None, False, False, None, None, None, (), ())
    in_force = scoring_service.override_in_force(session, score)
    names = _user_names(session, {score.override_by_id} if score.override_by_id else set())
    summary = summarise(session, vendor)
    findings = tuple(
        {
            **item,
            "is_contradiction": rules.is_contradiction(item["code"]),
            "evidence": _with_excerpts(item.get("evidence")),
        }
        for item in score.findings
    )
    return ScoreCard(
        score=score,
        final=summary.score_value,
        computed=score.value,
        is_overridden=in_force,
        override_lapsed=score.override_value is not None and not in_force,
        overridden_by=names.get(score.override_by_id or 0),
        band=summary.band,
        residual_risk=summary.residual_risk,
        factors=tuple(
            {**item, "evidence": _with_excerpts(item.get("evidence"))} for item in score.factors
        ),
        findings=findings,
        band_label=scoring_service.final_score(
            score, override_in_force=in_force, tier=vendor.inherent_tier
        ).band_label,
        computed_band=score.band,
    )


def _latest_answered(session: Session, vendor_id: int) -> QuestionnaireRequest | None:
    return session.exec(
        select(QuestionnaireRequest)
        .where(
            QuestionnaireRequest.vendor_id == vendor_id,
            col(QuestionnaireRequest.status).in_(
                [RequestStatus.submitted.value, RequestStatus.accepted.value]
            ),
        )
        .order_by(
            col(QuestionnaireRequest.submitted_at).desc(), col(QuestionnaireRequest.id).desc()
        )
    ).first()


def comparison_rows(
    session: Session,
    vendor_id: int,
    documents: list[tuple[Document, ReportFacts | None]],
    score: Score | None,
) -> list[evidence.ComparisonRow]:
    """Pair the latest answered questionnaire's mapped answers with the score's claim checks."""
    request = _latest_answered(session, vendor_id)
    if request is None or request.id is None:
        return []
    definition = answering.frozen_definition(request).definition
    values = answering.answer_values(answering.load_answers(session, request.id))
    answers = []
    for question in definition.questions():
        if question.maps_to is None or question.id not in values:
            continue
        shown = _answer_label(question.choices or (), values[question.id])
        answers.append(evidence.QuestionAnswer(question.id, question.text, question.maps_to, shown))
    stored = score.explanation.get("claim_checks", []) if score else []
    checks = {str(item["claim"]): item for item in stored if isinstance(item, dict)}
    names = {str(document.id): document.filename for document, _ in documents}
    return evidence.compare(answers, checks, names)


def _answer_label(choices: tuple[Choice, ...], value: object) -> object:
    labels = {choice.value: str(choice.label or choice.value) for choice in choices}
    if isinstance(value, list):
        return [labels.get(str(item), str(item)) for item in value]
    if isinstance(value, str):
        return labels.get(value, value)
    return value


def coverage_of(documents: list[tuple[Document, ReportFacts | None]]) -> list[timeline.Coverage]:
    """Turn documents into the periods they cover: report periods and bridge extensions."""
    spans: list[timeline.Coverage] = []
    for document, facts in documents:
        if facts is None:
            continue
        merged = merged_facts(facts)
        start, end = as_date(merged.get("period_start")), as_date(merged.get("period_end"))
        through = as_date(merged.get("bridge_through"))
        if facts.doc_kind == "bridge_letter" and end and through and through >= end:
            spans.append(timeline.Coverage(document.filename, end, through, "bridge"))
        elif facts.doc_kind == "soc_report" and end:
            first = start if start and start <= end else end
            spans.append(timeline.Coverage(document.filename, first, end))
    return spans


def history_points(scores: list[Score]) -> list[timeline.ScorePoint]:
    """Return the chart points of a score history, oldest first."""
    return [
        timeline.ScorePoint(
            on=score.evaluated_on,
            computed=float(score.value) if score.value is not None else None,
            final=float(score.override_value) if score.override_value is not None else None,
        )
        for score in scores
    ]


def build_review_page(session: Session, vendor: Vendor, *, today: date) -> ReviewPage:
    """Gather everything the vendor's review page shows."""
    assert vendor.id is not None
    documents = reports_service.list_documents(session, vendor_id=vendor.id)
    score = scoring_service.latest_score(session, vendor.id)
    card = score_card(session, vendor, score)
    best_id = str(score.explanation.get("best_document_id") or "") if score else ""
    best = next(
        (merged_facts(f) for d, f in documents if f is not None and str(d.id) == best_id), {}
    )
    best_until = rules.current_until(as_date(best.get("period_end")))
    profile = scoring_service.vendor_profile(vendor)
    points = history_points(scoring_service.score_history(session, vendor.id, limit=60))
    decisions = list_decisions(session, vendor.id)
    return ReviewPage(
        vendor=vendor,
        card=card,
        comparison=comparison_rows(session, vendor.id, documents, score),
        documents=[document_view(d, f, profile) for d, f in documents],
        cuecs=cuecs_service.cuec_lines(session, vendor.id, loaded=(documents, score)),
        subservice={
            "names": best.get("subservice_organizations") or [],
            "method": best.get("subservice_method"),
        },
        decisions=decisions,
        next_review_on=next_review_for(
            vendor.inherent_tier, decisions[0][0].decided_at if decisions else None
        ),
        review_months=tier_reassessment(vendor.inherent_tier).months
        if vendor.inherent_tier
        else None,
        reopenable=latest_submitted_request(session, vendor.id),
        history_svg=Markup(timeline.score_history_svg(points)),  # noqa: S704 - escaped by timeline
        timeline_svg=Markup(  # noqa: S704 - every text in the SVG is escaped by timeline
            timeline.assurance_timeline_svg(coverage_of(documents), today=today)
        ),
        current_until=best_until,
        controls=control_questions(session, vendor.id, profile, today),
    )


def correct_fact(
    session: Session,
    *,
    document: Document,
    field_name: str,
    raw_value: str,
    reason: str,
    user: User,
    today: date,
    expected_version: str | None,
) -> None:
    """Correct one fact of a document with a reason, then rescore the vendor.

    A correction from a page opened before someone else corrected the same fact is refused.
    """
    facts = reports_service.get_facts(session, id_of(document))
    if facts is None:
        raise InvalidInput("Nothing was read from this document, so there is nothing to correct.")
    session.refresh(facts, with_for_update=True)  # PostgreSQL: concurrent corrections queue
    check_version(expected_version, fact_version(facts, field_name), what="this fact")
    try:
        value = rules.parse_correction(field_name, raw_value)
    except rules.CorrectionError as exc:
        raise InvalidInput(str(exc)) from None
    reports_service.correct_fact(
        session,
        facts=facts,
        field=field_name,
        value=value,
        reason=reason,
        actor=user_actor(id_of(user)),
    )
    vendor = session.get(Vendor, document.vendor_id)
    assert vendor is not None
    scoring_service.recompute_vendor(
        session, vendor, as_of=today, reason="fact corrected", actor=user_actor(id_of(user))
    )
