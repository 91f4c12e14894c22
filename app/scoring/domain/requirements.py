"""Requirements per tier: what a vendor of its inherent tier must have provided, and what is not.

The tier's questionnaires (the set its reassessment sends) must have been answered, and the
documents the policy names for the tier must be on file. Each one missing is a
REQUIREMENT_MISSING finding that says what the policy asks, why, and what is on file instead.
"""

from __future__ import annotations

import calendar
from datetime import date

from app.scoring.domain.bridge import is_bridge_for
from app.scoring.domain.factors import required_categories
from app.scoring.domain.findings import FindingContext, finding
from app.scoring.domain.flags import current_certificates
from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.requirement_policy import (
    BridgeLetterRequired,
    DocumentRequirement,
    Iso27001Required,
    Soc2Type2Required,
    TierDocuments,
)
from app.scoring.domain.results import Finding

CODE = "REQUIREMENT_MISSING"
_CRITERION_WORDS = {
    "security": "security",
    "availability": "availability",
    "confidentiality": "confidentiality",
    "processing_integrity": "processing integrity",
    "privacy": "privacy",
}


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _soc2_type2_reports(ctx: FindingContext) -> list[DocumentFacts]:
    reports = [
        doc
        for doc in ctx.documents
        if doc.doc_kind == "soc_report"
        and doc.framework == "SOC 2"
        and doc.report_type == "type2"
        and doc.period_end is not None
    ]
    return sorted(reports, key=lambda doc: (doc.period_end or date.min, doc.document_id))


def _latest_soc2_type2(ctx: FindingContext) -> DocumentFacts | None:
    reports = _soc2_type2_reports(ctx)
    return reports[-1] if reports else None


def _words(criteria: tuple[str, ...]) -> str:
    return ", ".join(_CRITERION_WORDS.get(item, item) for item in criteria)


def _tier(ctx: FindingContext) -> str:
    return f"a {ctx.profile.inherent_tier} vendor"


def _questionnaire(ctx: FindingContext, slug: str) -> str:
    """Name a questionnaire by its title where the library gave one."""
    return f"\u201c{ctx.answers.questionnaire_titles.get(slug, slug)}\u201d questionnaire"


def _soc2_finding(item: Soc2Type2Required, ctx: FindingContext) -> Finding | None:
    needed = required_categories(ctx.profile)
    wanted = (
        f"{_tier(ctx)} needs a SOC 2 Type 2 report whose period ended within "
        f"{item.max_age_months} months of {ctx.evaluation_date}, covering {_words(needed)}"
    )
    latest = _latest_soc2_type2(ctx)
    if latest is None:
        return finding(CODE, "high", f"Requirement: {wanted}; none is on file.")
    assert latest.period_end is not None
    if latest.period_end < months_before(ctx.evaluation_date, item.max_age_months):
        message = (
            f"Requirement: {wanted}; the latest on file ({latest.document_id}) "
            f"ended {latest.period_end}."
        )
        return finding(CODE, "high", message, latest, "period_end")
    missing = tuple(
        c for c in needed if c != "security" and c not in latest.trust_services_criteria
    )
    if missing:
        message = f"Requirement: {wanted}; {latest.document_id} does not cover {_words(missing)}."
        return finding(CODE, "high", message, latest, "trust_services_criteria")
    return None


def _bridge_finding(
    item: BridgeLetterRequired, ctx: FindingContext, report: Soc2Type2Required | None
) -> Finding | None:
    latest = _latest_soc2_type2(ctx)
    if latest is None or latest.period_end is None or report is None:
        return None  # the report itself is missing: that finding says so
    months = item.when_report_older_than_months
    if latest.period_end >= months_before(ctx.evaluation_date, months):
        return None
    if latest.period_end < months_before(ctx.evaluation_date, report.max_age_months):
        return None  # too old to count even with a letter: the report's finding says so
    letters = [doc for doc in ctx.documents if is_bridge_for(doc, latest)]
    if letters:
        return None
    message = (
        f"Requirement: {_tier(ctx)} needs a bridge letter once its SOC 2 Type 2 report is more "
        f"than {months} months old; {latest.document_id} ended {latest.period_end} and no "
        "bridge letter about it is on file."
    )
    return finding(CODE, "medium", message, latest, "period_end")


def _iso_finding(ctx: FindingContext) -> Finding | None:
    if current_certificates(ctx.documents, ctx.evaluation_date):
        return None
    message = (
        f"Requirement: {_tier(ctx)} needs a current ISO/IEC 27001 certificate; none is on file."
    )
    return finding(CODE, "medium", message)


def _document_finding(
    item: DocumentRequirement, ctx: FindingContext, documents: TierDocuments
) -> Finding | None:
    if isinstance(item, Soc2Type2Required):
        return _soc2_finding(item, ctx)
    if isinstance(item, BridgeLetterRequired):
        return _bridge_finding(item, ctx, documents.soc2_type2())
    if isinstance(item, Iso27001Required):
        return _iso_finding(ctx)
    if item.question in ctx.answers.uploads_answered:
        return None
    slug, _, _question = item.question.partition("/")
    message = (
        f"Requirement: {_tier(ctx)} needs a {item.label}, uploaded in answer to the "
        f"{_questionnaire(ctx, slug)}; none has been uploaded."
    )
    return finding(CODE, "medium", message)


def requirement_findings(ctx: FindingContext) -> list[Finding]:
    """List what the vendor's tier requires under the policy and it has not provided."""
    requirements, submitted = ctx.policy.requirements, ctx.answers.questionnaires_submitted
    if requirements is None or submitted is None:
        return []  # a policy without requirements, or nobody said what was answered
    tier = ctx.profile.inherent_tier
    return _missing(
        ctx, ctx.policy.reassessment.for_tier(tier).questionnaires, requirements.for_tier(tier)
    )


def _missing(
    ctx: FindingContext, questionnaires: tuple[str, ...], documents: TierDocuments
) -> list[Finding]:
    submitted = ctx.answers.questionnaires_submitted or ()
    found = [
        finding(
            CODE,
            "medium",
            f"Requirement: {_tier(ctx)} answers the {_questionnaire(ctx, slug)}; "
            "it has not submitted it.",
        )
        for slug in questionnaires
        if slug not in submitted
    ]
    for item in documents.documents:
        missing = _document_finding(item, ctx, documents)
        if missing is not None:
            found.append(missing)
    return found
