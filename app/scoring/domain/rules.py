"""Assurance scoring: one vendor's documents, answers and profile → explained score.

Each SOC report on file is scored on six factors (F1-F6, plus F7 when the policy gives an
ISO/IEC 27001 certificate points, F8 when it gives a vendor with AI features points for an
ISO/IEC 42001 certificate), then gates cap or qualify the sum (SOC-REPORTS.md §5.2).
The strongest report is the one with the highest score after caps at the evaluation date;
ties go to the higher pre-cap score, then the later period end, then the document id. The
vendor's score, band and residual risk come from that report, and findings compare the
vendor's answers with every document on file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.scoring.domain.ai import ai_findings
from app.scoring.domain.bridge import BridgeCheck, check_bridges
from app.scoring.domain.claim_checks import check_claims
from app.scoring.domain.cuecs import unlinked_cuec_findings
from app.scoring.domain.factors import (
    exceptions_factor,
    framework_type_factor,
    iso42001_factor,
    iso_factor,
    opinion_factor,
    period_length_factor,
    recency_factor,
    scope_factor,
)
from app.scoring.domain.families import ClassifiedException, classify_exceptions, exception_count
from app.scoring.domain.findings import FindingContext, claim_findings, stranger_findings
from app.scoring.domain.flags import (
    current_certificates,
    document_flags,
    exception_flags,
    period_flags,
)
from app.scoring.domain.gaps import gap_findings
from app.scoring.domain.gates import ceiling_gate, report_gates, scope_gate
from app.scoring.domain.identity import split_documents, with_subservice_reports
from app.scoring.domain.inputs import (
    Answers,
    DocumentFacts,
    VendorProfile,
    parse_answers,
    parse_facts,
)
from app.scoring.domain.policy import Policy
from app.scoring.domain.requirements import requirement_findings
from app.scoring.domain.results import Candidate, Factor, Finding, Flag, GateResult, ScoreResult


@dataclass(frozen=True)
class ReportAssessment:
    facts: DocumentFacts
    factors: tuple[Factor, ...]
    gates: tuple[GateResult, ...]
    bridges: tuple[BridgeCheck, ...]
    exceptions: tuple[ClassifiedException, ...]

    @property
    def pre_cap_score(self) -> int:
        """Return the sum of the factor points, before any gate applies."""
        return sum(factor.points for factor in self.factors)

    @property
    def score(self) -> int:
        """Return the score after every cap."""
        return min([self.pre_cap_score, *(gate.cap for gate in self.gates if gate.cap is not None)])

    @property
    def provisional(self) -> bool:
        """Say whether a human must confirm the facts behind this score."""
        return any(gate.effect == "provisional" for gate in self.gates)

    def rank(self) -> tuple[int, int, date, str]:
        """Order reports by strength: score after caps, then before, then recency."""
        period_end = self.facts.period_end or date.min
        return (self.score, self.pre_cap_score, period_end, self.facts.document_id)


def assess_report(
    facts: DocumentFacts,
    letters: tuple[DocumentFacts, ...],
    profile: VendorProfile,
    evaluation_date: date,
    policy: Policy,
) -> ReportAssessment:
    """Score one SOC report: its six factors, its gates, and the bridge letters about it."""
    bridges = check_bridges(facts, letters, policy.bridge)
    recency = recency_factor(facts, bridges, evaluation_date, policy)
    exceptions = classify_exceptions(facts, policy.factors.exceptions)
    factors = (
        framework_type_factor(facts, profile, policy),
        recency.factor,
        period_length_factor(facts, policy),
        opinion_factor(facts, profile, policy),
        exceptions_factor(facts, exceptions, exception_count(facts), policy),
        scope_factor(facts, profile, policy),
    )
    gates = report_gates(facts, recency.gap_days, policy)
    return ReportAssessment(facts, factors, gates, bridges, exceptions)


def _with_iso(
    assessment: ReportAssessment,
    certificates: tuple[DocumentFacts, ...],
    ai_certificates: tuple[DocumentFacts, ...] | None,
    policy: Policy,
) -> ReportAssessment:
    """Add the ISO factors the policy gives points to, keeping 100 as ceiling.

    The ISO/IEC 42001 factor counts only for a vendor with AI features (`ai_certificates`
    is None for any other vendor).
    """
    factors: list[Factor] = []
    if policy.iso27001.points > 0:
        factors.append(iso_factor(certificates[0] if certificates else None, policy))
    if ai_certificates is not None and policy.ai_vendors.iso42001_points > 0:
        factors.append(iso42001_factor(ai_certificates[0] if ai_certificates else None, policy))
    if not factors:
        return assessment
    extended = replace(assessment, factors=(*assessment.factors, *factors))
    ceiling = ceiling_gate(extended.pre_cap_score)
    return replace(extended, gates=(*extended.gates, ceiling)) if ceiling else extended


def _coerce_documents(
    documents: Sequence[DocumentFacts | Mapping[str, object]],
) -> tuple[DocumentFacts, ...]:
    return tuple(
        doc
        if isinstance(doc, DocumentFacts)
        else parse_facts(doc, default_document_id=f"document-{index}")
        for index, doc in enumerate(documents, 1)
    )


def _review_flags(best: ReportAssessment | None, policy: Policy) -> list[Flag]:
    if best is None:
        return []
    flags = exception_flags(best.facts, best.exceptions, policy) + period_flags(best.facts, policy)
    if any(gate.reason_code == "AUDITOR_UNIDENTIFIED" for gate in best.gates):
        message = "Verify the audit firm's CPA licence and peer review before relying on it."
        flags.append(
            Flag(code="MANUAL_REVIEW", message=message, document_id=best.facts.document_id)
        )
    return flags


def assess_reports(
    documents: tuple[DocumentFacts, ...],
    profile: VendorProfile,
    evaluation_date: date,
    policy: Policy,
) -> list[ReportAssessment]:
    """Score every SOC report on file at the evaluation date."""
    letters = tuple(doc for doc in documents if doc.doc_kind == "bridge_letter")
    certificates = current_certificates(documents, evaluation_date)
    ai_certificates = (
        current_certificates(documents, evaluation_date, "42001") if profile.ai_features else None
    )
    return [
        _with_iso(
            assess_report(doc, letters, profile, evaluation_date, policy),
            certificates,
            ai_certificates,
            policy,
        )
        for doc in documents
        if doc.doc_kind == "soc_report"
    ]


def collect_findings(context: FindingContext) -> tuple[Finding, ...]:
    """Run every consistency and gap check, in a fixed order."""
    return (
        *claim_findings(context),
        *ai_findings(context),
        *gap_findings(context),
        *unlinked_cuec_findings(context),
        *requirement_findings(context),
    )


def score_vendor(
    documents: Sequence[DocumentFacts | Mapping[str, object]],
    answers: Answers | Mapping[str, object],
    profile: VendorProfile,
    evaluation_date: date,
    policy: Policy,
) -> ScoreResult:
    """Score a vendor's assurance at a date from its documents, answers and profile.

    Only the vendor's own documents count: a report about another organisation earns nothing
    and answers nothing (a finding names it), and a subservice organisation's own report only
    shows that report is on file.
    """
    docs, subservice, strangers = split_documents(_coerce_documents(documents), profile)
    profile = with_subservice_reports(profile, subservice)
    assessments = assess_reports(docs, profile, evaluation_date, policy)
    best = max(assessments, key=ReportAssessment.rank) if assessments else None
    candidates = tuple(
        Candidate(
            document_id=item.facts.document_id, score=item.score, pre_cap_score=item.pre_cap_score
        )
        for item in assessments
    )
    context = FindingContext(
        best=best.facts if best else None,
        bridges=best.bridges if best else (),
        documents=docs,
        candidates=candidates,
        answers=answers if isinstance(answers, Answers) else parse_answers(answers),
        profile=profile,
        evaluation_date=evaluation_date,
        policy=policy,
    )
    checks = check_claims(context.answers, docs, context.best, evaluation_date, policy)
    result = _result(best, context)
    return result.model_copy(
        update={
            "findings": (*stranger_findings(strangers, profile), *result.findings),
            "claim_checks": checks,
        }
    )


def _result(best: ReportAssessment | None, context: FindingContext) -> ScoreResult:
    policy, profile = context.policy, context.profile
    band = policy.band_for(best.score) if best else None
    scope = scope_gate(best.facts, profile) if best else None
    gates = (*(best.gates if best else ()), *((scope,) if scope else ()))
    flags = _review_flags(best, policy) + document_flags(context.documents, context.evaluation_date)
    return ScoreResult(
        score=best.score if best else None,
        pre_cap_score=best.pre_cap_score if best else None,
        band=band.band if band else None,
        band_label=band.label if band else None,
        residual_risk=policy.residual_for(profile.inherent_tier, band.band if band else "F"),
        inherent_tier=profile.inherent_tier,
        provisional=best.provisional if best else False,
        factors=best.factors if best else (),
        gates=gates,
        flags=tuple(flags),
        findings=collect_findings(context),
        candidates=context.candidates,
        policy_version=policy.version,
        evaluation_date=context.evaluation_date,
        best_document_id=best.facts.document_id if best else None,
    )
