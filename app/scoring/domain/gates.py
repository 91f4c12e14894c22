"""Gates and caps (SOC-REPORTS.md §5.2): conditions that override the factor sum.

Gates apply after summing, so the factors still show what the report earned and the gate
says why the score is lower or provisional.
"""

from __future__ import annotations

from app.scoring.domain.inputs import DocumentFacts, VendorProfile
from app.scoring.domain.policy import Policy
from app.scoring.domain.results import GateEffect, GateResult

_KEY_FIELDS = ("framework", "report_type", "period_start", "period_end", "opinion")


def _key_fields(facts: DocumentFacts) -> tuple[str, ...]:
    """The key facts this report carries: a SOC 3 has no Type, a Type 1 no period start."""
    skipped = set()
    if facts.framework not in ("SOC 1", "SOC 2"):
        skipped.add("report_type")
    if facts.report_type == "type1":
        skipped.add("period_start")
    return tuple(field for field in _KEY_FIELDS if field not in skipped)


def _gate(
    gate: str, code: str, effect: GateEffect, message: str, cap: int | None = None
) -> GateResult:
    return GateResult(gate=gate, reason_code=code, effect=effect, cap=cap, message=message)


def not_a_report_gate(facts: DocumentFacts, policy: Policy) -> GateResult | None:
    """G1: reject a "SOC report" with neither an auditor nor an opinion."""
    if facts.opinion is not None or facts.service_auditor is not None:
        return None
    message = "No auditor's report or opinion found: rejected as a SOC report."
    return _gate("G1", "NOT_A_SOC_REPORT", "reject", message, policy.gates.not_a_soc_report_score)


def opinion_gate(facts: DocumentFacts, policy: Policy) -> GateResult | None:
    """G2: cap the score when the auditor gave an adverse opinion or disclaimed one."""
    if facts.opinion not in ("adverse", "disclaimer"):
        return None
    cap = policy.gates.adverse_or_disclaimer_cap
    message = f"The auditor's opinion is {facts.opinion}: score capped at {cap}."
    return _gate("G2", "ADVERSE_OR_DISCLAIMER", "cap", message, cap)


def stale_gate(gap_days: int | None, policy: Policy) -> GateResult | None:
    """G3: cap the score when coverage ended too long ago (or its end is unknown)."""
    limit, cap = policy.gates.stale_after_days, policy.gates.stale_cap
    if gap_days is not None and gap_days <= limit:
        return None
    age = "unknown" if gap_days is None else f"{gap_days} days"
    message = f"Coverage ended more than {limit} days ago ({age}): score capped at {cap}."
    return _gate("G3", "STALE", "cap", message, cap)


def auditor_gate(facts: DocumentFacts, policy: Policy) -> GateResult | None:
    """G4: cap the score when the audit firm or the report date is missing."""
    if facts.service_auditor is not None and facts.report_date is not None:
        return None
    missing = "audit firm" if facts.service_auditor is None else "report date"
    cap = policy.gates.auditor_unidentified_cap
    message = (
        f"No {missing} in the auditor's report: score capped at {cap}; "
        "verify the CPA licence and peer review."
    )
    return _gate("G4", "AUDITOR_UNIDENTIFIED", "cap", message, cap)


def low_confidence_reasons(facts: DocumentFacts, policy: Policy) -> list[str]:
    """List why the key facts of a report cannot be trusted without a human."""
    threshold = policy.gates.low_confidence_max
    reasons = [
        f"{field} confidence {facts.confidence_of(field):.2f}"
        for field in _key_fields(facts)
        if facts.confidence_of(field) <= threshold
    ]
    needed = ["framework", "period_end", "opinion"]
    if facts.framework in ("SOC 1", "SOC 2"):
        needed.append("report_type")
    reasons += [f"{field} not found" for field in needed if getattr(facts, field) is None]
    if facts.has_date_conflict():
        reasons.append("the period dates disagree across the report (DATE_CONFLICT)")
    return reasons


def confidence_gate(facts: DocumentFacts, policy: Policy) -> GateResult | None:
    """G5: mark the score provisional when key facts are uncertain or conflicting."""
    reasons = low_confidence_reasons(facts, policy)
    if not reasons:
        return None
    message = f"Provisional until a reviewer confirms: {'; '.join(reasons)}."
    return _gate("G5", "LOW_CONFIDENCE", "provisional", message)


def report_gates(
    facts: DocumentFacts, gap_days: int | None, policy: Policy
) -> tuple[GateResult, ...]:
    """Apply gates G1-G5 to one report."""
    gates = (
        not_a_report_gate(facts, policy),
        opinion_gate(facts, policy),
        stale_gate(gap_days, policy),
        auditor_gate(facts, policy),
        confidence_gate(facts, policy),
    )
    return tuple(gate for gate in gates if gate is not None)


def scope_gate(facts: DocumentFacts, profile: VendorProfile) -> GateResult | None:
    """G6: ask for manual review when none of our product names appear in what was read."""
    if not profile.product_names:
        return None
    haystack = " ".join(
        [facts.system_name or "", facts.service_organization or ""]
        + [item.snippet for items in facts.evidence.values() for item in items]
    ).lower()
    if any(name.lower() in haystack for name in profile.product_names):
        return None
    names = ", ".join(profile.product_names)
    message = (
        f"None of the services we use ({names}) were found in the report text read; "
        "confirm they are in scope."
    )
    return _gate("G6", "SCOPE_MISMATCH_SUSPECTED", "manual_review", message)


def ceiling_gate(pre_cap_score: int) -> GateResult | None:
    """Cap at 100 when policy bonus points push the factor sum above it."""
    if pre_cap_score <= 100:
        return None
    return _gate(
        "MAX", "SCORE_CEILING", "cap", "Factors add up to more than 100: capped at 100.", 100
    )
