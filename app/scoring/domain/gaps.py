"""Coverage gaps the score alone does not show.

Bridge letters that leave holes, carved-out providers without reports of their own, CUECs
nobody on our side owns, and newer reports weaker than the one the score relies on.
"""

from __future__ import annotations

from app.reports.domain.names import normalize_name
from app.scoring.domain.bridge import BridgeCheck, best_bridge, is_bridge_for
from app.scoring.domain.findings import FindingContext, finding
from app.scoring.domain.results import Finding, Severity


def _bridge_problem(check: BridgeCheck, ctx: FindingContext) -> Finding | None:
    letter, doc, max_days = check.letter, check.letter.display_name, ctx.policy.bridge.max_days
    if check.status == "hole" and ctx.best is not None:
        message = (
            f"Bridge letter {doc} extends a period ending {letter.period_end}, but the "
            f"report's period ended {ctx.best.period_end}: the days between are not covered."
        )
        return finding("BRIDGE_HOLE", "medium", message, letter, "period_end")
    if check.status == "overlong":
        counted = f"counted up to {max_days} days" if check.counts else "not counted"
        message = (
            f"Bridge letter {doc} covers {check.coverage_days} days after the period end; "
            f"at most {max_days} count ({counted})."
        )
        return finding("BRIDGE_OVERLONG", "medium", message, letter, "bridge_through")
    if check.status == "vague":
        message = f"Bridge letter {doc} does not say clearly that nothing material changed."
        return finding("BRIDGE_VAGUE", "medium", message, letter)
    return None


def _coverage_ended(ctx: FindingContext) -> list[Finding]:
    used = best_bridge(ctx.bridges)
    if used is None or used.effective_end is None or used.effective_end >= ctx.evaluation_date:
        return []
    gap = (ctx.evaluation_date - used.effective_end).days
    severity: Severity = "low" if gap <= ctx.policy.bridge.max_days else "medium"
    message = (
        f"Bridge coverage ({used.letter.display_name}) ends {used.effective_end}, "
        f"{gap} days before {ctx.evaluation_date}."
    )
    return [finding("BRIDGE_COVERAGE_ENDED", severity, message, used.letter, "bridge_through")]


def bridge_findings(ctx: FindingContext) -> list[Finding]:
    """Report bridge letters that leave a gap, run too long, are vague or no longer cover today."""
    problems = (_bridge_problem(check, ctx) for check in ctx.bridges)
    found = [problem for problem in problems if problem is not None]
    return found + _coverage_ended(ctx) + _unmatched_bridges(ctx)


def _unmatched_bridges(ctx: FindingContext) -> list[Finding]:
    letters = [doc for doc in ctx.documents if doc.doc_kind == "bridge_letter"]
    if ctx.answers.has_bridge_letter == "yes" and not letters:
        return [
            finding(
                "BRIDGE_CLAIM_NO_LETTER",
                "low",
                "Answered that a bridge letter exists, but none is on file.",
            )
        ]
    if ctx.best is None:
        return []
    best = ctx.best
    return [
        finding(
            "BRIDGE_NOT_FOR_REPORT",
            "low",
            f"Bridge letter {letter.display_name} is not about {best.display_name} "
            "(organisation or report family differ); not counted.",
            letter,
        )
        for letter in letters
        if not is_bridge_for(letter, best)
    ]


def subservice_findings(ctx: FindingContext) -> list[Finding]:
    """List carved-out subservice organisations whose own report is not on file."""
    best = ctx.best
    if best is None or best.subservice_method != "carve-out":
        return []
    on_file = {normalize_name(name) for name in ctx.profile.subservice_reports_on_file}
    on_file |= {
        normalize_name(doc.service_organization)
        for doc in ctx.documents
        if doc.doc_kind == "soc_report" and doc.service_organization
    }
    return [
        finding(
            "CARVED_OUT_NO_SUBSERVICE_REPORT",
            "medium",
            f"{name} is carved out of {best.display_name}, and no report of its own is on file.",
            best,
            "subservice_organizations",
        )
        for name in best.subservice_organizations
        if normalize_name(name) not in on_file
    ]


def newer_report_findings(ctx: FindingContext) -> list[Finding]:
    """Point out a later report of the same family that scores lower than the one used."""
    best = ctx.best
    if best is None or best.period_end is None:
        return []
    scores = {candidate.document_id: candidate.score for candidate in ctx.candidates}
    best_score = scores.get(best.document_id, 0)
    return [
        finding(
            "NEWER_REPORT_WEAKER",
            "high",
            f"{doc.display_name} is a later {doc.framework} report (period ended {doc.period_end}) "
            f"that scores {scores[doc.document_id]}, below {best.display_name} ({best_score}); "
            "review why the newer report is weaker.",
            doc,
            "opinion",
        )
        for doc in ctx.documents
        if doc.doc_kind == "soc_report"
        and doc.framework == best.framework
        and doc.period_end is not None
        and doc.period_end > best.period_end
        and scores.get(doc.document_id, best_score) < best_score
    ]


def gap_findings(ctx: FindingContext) -> list[Finding]:
    """Run every coverage-gap check, in a fixed order."""
    checks = (bridge_findings, subservice_findings, newer_report_findings)
    return [item for check in checks for item in check(ctx)]
