"""The six assurance factors (F1-F6) of SOC-REPORTS.md §5.1, each explained with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.scoring.domain.bridge import BridgeCheck, best_bridge
from app.scoring.domain.families import ClassifiedException, criterion_refs, family_of_refs
from app.scoring.domain.inputs import Criterion, DocumentFacts, VendorProfile
from app.scoring.domain.policy import Policy
from app.scoring.domain.results import EvidenceRef, Factor, evidence_for

_CATEGORY_BY_GROUP: dict[str, Criterion] = {
    "CC": "security",
    "A": "availability",
    "C": "confidentiality",
    "PI": "processing_integrity",
    "P": "privacy",
}

_TITLES = {
    "F1": "Report framework and type",
    "F2": "Recency",
    "F3": "Period length",
    "F4": "Opinion",
    "F5": "Exceptions",
    "F6": "Scope coverage",
    "F7": "ISO/IEC 27001 certificate",
    "F8": "ISO/IEC 42001 certificate (AI features)",
}


@dataclass(frozen=True)
class Recency:
    factor: Factor
    gap_days: int | None
    bridge: BridgeCheck | None


def required_categories(profile: VendorProfile) -> tuple[Criterion, ...]:
    """List the trust services categories this vendor's report must cover."""
    wanted: list[tuple[bool, Criterion]] = [
        (True, "security"),
        (profile.uptime_critical, "availability"),
        (profile.confidential_data, "confidentiality"),
        (profile.transaction_processing, "processing_integrity"),
        (profile.personal_data, "privacy"),
    ]
    return tuple(category for needed, category in wanted if needed)


def describe_report(facts: DocumentFacts) -> str:
    """Name a report the way a reviewer would ("SOC 2 Type 2")."""
    kind = {"type1": " Type 1", "type2": " Type 2", None: ""}[facts.report_type]
    return f"{facts.framework or 'Unknown framework'}{kind if facts.framework != 'SOC 3' else ''}"


def framework_type_factor(facts: DocumentFacts, profile: VendorProfile, policy: Policy) -> Factor:
    """F1: score the report family and type."""
    rules = policy.factors.framework_type
    icfr = "_icfr" if profile.icfr_relevant else ""
    key = {
        ("SOC 2", "type2"): "soc2_type2",
        ("SOC 2", "type1"): "soc2_type1",
        ("SOC 1", "type2"): f"soc1_type2{icfr}",
        ("SOC 1", "type1"): f"soc1_type1{icfr}",
    }.get((facts.framework or "", facts.report_type or ""), "unknown")
    if facts.framework == "SOC 3":
        key = "soc3"
    points: int = getattr(rules, key)
    note = " (vendor is relevant to our financial reporting)" if icfr and "soc1" in key else ""
    label = describe_report(facts) if key != "unknown" else "Report family or type not identified"
    message = f"{label}{note} → {points}/{rules.max}."
    evidence = evidence_for(facts, "framework", "report_type")
    return _factor(
        "F1", points, rules.max, reason=f"TYPE_{key.upper()}", message=message, evidence=evidence
    )


def _recency_points(gap_days: int, policy: Policy) -> tuple[int, int]:
    rules = policy.factors.recency
    for index, step in enumerate(rules.steps):
        if gap_days <= step.max_days:
            return step.points, index
    return rules.beyond_points, len(rules.steps)


def _bridged_recency(
    facts: DocumentFacts, bridge: BridgeCheck, evaluation_date: date, policy: Policy
) -> Recency | None:
    if bridge.effective_end is None:
        return None
    gap = max(0, (evaluation_date - bridge.effective_end).days)
    points = min(policy.bridge.recency_cap, _recency_points(gap, policy)[0])
    letter, maximum = bridge.letter, policy.factors.recency.max
    message = (
        f"Period ended {facts.period_end}. A bridge letter ({letter.display_name}, dated "
        f"{letter.report_date or 'undated'}) covers through {bridge.effective_end}. "
        f"Gap to {evaluation_date} = {gap} days → {points}/{maximum} "
        f"(at most {policy.bridge.recency_cap} because bridge letters are management "
        "representations)."
    )
    evidence = evidence_for(facts, "period_end") + evidence_for(letter, "bridge_through")
    factor = _factor(
        "F2", points, maximum, reason="RECENCY_BRIDGED", message=message, evidence=evidence
    )
    return Recency(factor, gap, bridge)


def recency_factor(
    facts: DocumentFacts, bridges: tuple[BridgeCheck, ...], evaluation_date: date, policy: Policy
) -> Recency:
    """F2: score how long ago the period ended, extended by a valid bridge letter if it helps."""
    rules = policy.factors.recency
    evidence = evidence_for(facts, "period_end")
    if facts.period_end is None:
        message = f"Period end not found → 0/{rules.max}."
        factor = _factor(
            "F2", 0, rules.max, reason="RECENCY_UNKNOWN", message=message, evidence=evidence
        )
        return Recency(factor, None, None)
    gap = max(0, (evaluation_date - facts.period_end).days)
    points, step = _recency_points(gap, policy)
    bridge = best_bridge(bridges)
    bridged = _bridged_recency(facts, bridge, evaluation_date, policy) if bridge else None
    # A bridge only ever helps: a management letter must not cost points.
    if bridged is not None and bridged.factor.points > points:
        return bridged
    code = "RECENCY_CURRENT" if step == 0 else "RECENCY_AGING"
    code = "RECENCY_STALE" if step == len(rules.steps) else code
    ended = "As-of date" if facts.report_type == "type1" else "Period ended"
    message = (
        f"{ended} {facts.period_end}. Gap to {evaluation_date} = {gap} days → {points}/{rules.max}."
    )
    factor = _factor("F2", points, rules.max, reason=code, message=message, evidence=evidence)
    return Recency(factor, gap, None)


def period_length_factor(facts: DocumentFacts, policy: Policy) -> Factor:
    """F3: score the length of the examination period (Type 2 and SOC 3)."""
    rules = policy.factors.period_length
    evidence = evidence_for(facts, "period_start", "period_end")
    if facts.report_type == "type1" and facts.framework != "SOC 3":
        message = (
            f"Type 1 reports test design at one date; no period → {rules.type1_points}/{rules.max}."
        )
        return _factor(
            "F3",
            rules.type1_points,
            rules.max,
            reason="PERIOD_NOT_APPLICABLE",
            message=message,
            evidence=evidence,
        )
    if facts.period_start is None or facts.period_end is None:
        message = f"Period start or end not found → 0/{rules.max}."
        return _factor(
            "F3", 0, rules.max, reason="PERIOD_UNKNOWN", message=message, evidence=evidence
        )
    days = (facts.period_end - facts.period_start).days + 1
    points, code = rules.below_points, "PERIOD_TOO_SHORT"
    for index, step in enumerate(rules.steps):
        if days >= step.min_days:
            points, code = step.points, "PERIOD_FULL" if index == 0 else "PERIOD_SHORT"
            break
    message = (
        f"Period {facts.period_start} to {facts.period_end} = {days} days → {points}/{rules.max}."
    )
    return _factor("F3", points, rules.max, reason=code, message=message, evidence=evidence)


def _is_material_qualification(
    facts: DocumentFacts, profile: VendorProfile, policy: Policy
) -> bool:
    refs = criterion_refs(facts.opinion_affected_refs)
    required = set(required_categories(profile))
    for ref in refs:
        group = ref.rstrip("0123456789.")
        if _CATEGORY_BY_GROUP.get(group) in required:
            return True
    if family_of_refs(refs, policy.factors.exceptions) == "high":
        return True
    words = " ".join(facts.opinion_affected_refs).lower()
    return any(word in words for word in policy.factors.exceptions.soc1_high_keywords)


def opinion_factor(facts: DocumentFacts, profile: VendorProfile, policy: Policy) -> Factor:
    """F4: score the form of the auditor's opinion."""
    rules = policy.factors.opinion
    evidence = evidence_for(facts, "opinion")
    opinion = facts.opinion or "unknown"
    points: int = getattr(rules, opinion)
    code = f"OPINION_{opinion.upper()}"
    message = f"Opinion: {opinion} → {points}/{rules.max}."
    if opinion == "qualified" and not facts.opinion_affected_refs:
        points, code = rules.qualified_basis_unknown, "OPINION_QUALIFIED_BASIS_UNKNOWN"
        message = (
            "Qualified opinion; the criteria named in the basis paragraph were not identified, "
            f"so it is treated as touching what we rely on → {points}/{rules.max}."
        )
    elif opinion == "qualified":
        cited = ", ".join(facts.opinion_affected_refs)
        material = _is_material_qualification(facts, profile, policy)
        points = rules.qualified_material if material else rules.qualified
        code = "OPINION_QUALIFIED_HIGH" if material else "OPINION_QUALIFIED"
        why = "a high-impact or required criterion" if material else "criteria we do not rely on"
        message = f"Qualified opinion; the basis cites {cited} ({why}) → {points}/{rules.max}."
    return _factor("F4", points, rules.max, reason=code, message=message, evidence=evidence)


def _undisclosed_exceptions(facts: DocumentFacts, policy: Policy) -> Factor:
    rules = policy.factors.exceptions
    points = rules.not_disclosed_points
    code, why = "EXCEPTIONS_NOT_DISCLOSED", "SOC 3 reports do not disclose test results"
    if facts.framework != "SOC 3" and facts.report_type == "type1":
        code, why = "NOT_TESTED", "Type 1 reports do not test operating effectiveness"
    elif facts.framework != "SOC 3":
        code, why = "EXCEPTIONS_UNKNOWN", "The number of exceptions was not found"
    message = f"{why} → {points}/{rules.max}."
    # Why the tests are missing is shown by where the report states its type or family.
    field = "exceptions_count" if code == "EXCEPTIONS_UNKNOWN" else "report_type"
    evidence = evidence_for(facts, field) or evidence_for(facts, "framework")
    return _factor("F5", points, rules.max, reason=code, message=message, evidence=evidence)


def exceptions_factor(
    facts: DocumentFacts,
    exceptions: tuple[ClassifiedException, ...],
    count: int | None,
    policy: Policy,
) -> Factor:
    """F5: subtract a severity-family weight per exception from the maximum."""
    if facts.framework == "SOC 3" or facts.report_type == "type1" or count is None:
        return _undisclosed_exceptions(facts, policy)
    maximum = policy.factors.exceptions.max
    evidence = evidence_for(facts, "exceptions_count")
    if not exceptions:
        message = f"No exceptions noted in the tests of controls → {maximum}/{maximum}."
        return _factor(
            "F5", maximum, maximum, reason="EXCEPTIONS_NONE", message=message, evidence=evidence
        )
    points = max(0, maximum - sum(exception.weight for exception in exceptions))
    listed = "; ".join(
        f"{item.label} ({item.family}, −{item.weight}"
        f"{', management responded' if item.answered else ''})"
        for item in exceptions
    )
    message = f"{len(exceptions)} exception(s): {listed} → {points}/{maximum}."
    answered = sum(1 for item in exceptions if item.answered)
    if answered:
        # A response explains an exception; it does not undo it, so the points stay.
        message += f" The report prints management's response to {answered} of them."
    pages = tuple(
        EvidenceRef(
            document_id=facts.document_id,
            page=item.page,
            snippet=f"{item.label} (management responded)" if item.answered else item.label,
        )
        for item in exceptions
        if item.page is not None
    )
    return _factor(
        "F5",
        points,
        maximum,
        reason="EXCEPTIONS_WEIGHTED",
        message=message,
        evidence=evidence + pages,
    )


def scope_factor(facts: DocumentFacts, profile: VendorProfile, policy: Policy) -> Factor:
    """F6: score how many of the categories we need the report covers."""
    rules = policy.factors.scope
    evidence = evidence_for(facts, "trust_services_criteria")
    if facts.framework == "SOC 1":
        points = rules.soc1_icfr_points if profile.icfr_relevant else rules.soc1_points
        code = "SCOPE_SOC1_ICFR" if profile.icfr_relevant else "SCOPE_SOC1_NOT_SECURITY"
        why = (
            "covers financial-reporting controls we rely on"
            if profile.icfr_relevant
            else ("covers financial-reporting controls, not security criteria")
        )
        return _factor(
            "F6",
            points,
            rules.max,
            reason=code,
            message=f"SOC 1 {why} → {points}/{rules.max}.",
            evidence=evidence,
        )
    if facts.framework is None:
        message = f"Report family unknown; scope cannot be assessed → 0/{rules.max}."
        return _factor(
            "F6", 0, rules.max, reason="SCOPE_UNKNOWN", message=message, evidence=evidence
        )
    # The common criteria (security) are in scope of every SOC 2 and SOC 3 report.
    covered = {*facts.trust_services_criteria, "security"}
    required = required_categories(profile)
    missing = [category for category in required if category not in covered]
    points = rules.max * (len(required) - len(missing)) // len(required)
    if missing:
        message = f"Required categories not covered: {', '.join(missing)} → {points}/{rules.max}."
        return _factor(
            "F6", points, rules.max, reason="SCOPE_PARTIAL", message=message, evidence=evidence
        )
    message = f"Covers every required category ({', '.join(required)}) → {points}/{rules.max}."
    return _factor(
        "F6", points, rules.max, reason="SCOPE_COMPLETE", message=message, evidence=evidence
    )


def iso_factor(certificate: DocumentFacts | None, policy: Policy) -> Factor:
    """F7: award policy points for a current ISO/IEC 27001 certificate."""
    maximum = policy.iso27001.points
    if certificate is None:
        message = f"No current ISO/IEC 27001 certificate on file → 0/{maximum}."
        return _factor("F7", 0, maximum, reason="ISO27001_NONE", message=message, evidence=())
    expiry = certificate.certificate_expiry
    message = f"ISO/IEC 27001 certificate valid until {expiry} → {maximum}/{maximum}."
    evidence = evidence_for(certificate, "certificate_expiry")
    return _factor(
        "F7", maximum, maximum, reason="ISO27001_CURRENT", message=message, evidence=evidence
    )


def iso42001_factor(certificate: DocumentFacts | None, policy: Policy) -> Factor:
    """F8: award policy points to a vendor with AI features for a current ISO/IEC 42001
    certificate (an AI management system), the assurance a SOC 2 report does not give."""
    maximum = policy.ai_vendors.iso42001_points
    if certificate is None:
        message = f"AI features, but no current ISO/IEC 42001 certificate on file → 0/{maximum}."
        return _factor("F8", 0, maximum, reason="ISO42001_NONE", message=message, evidence=())
    expiry = certificate.certificate_expiry
    message = f"ISO/IEC 42001 certificate valid until {expiry} → {maximum}/{maximum}."
    evidence = evidence_for(certificate, "certificate_expiry")
    return _factor(
        "F8", maximum, maximum, reason="ISO42001_CURRENT", message=message, evidence=evidence
    )


def _factor(
    code: str,
    points: int,
    maximum: int,
    *,
    reason: str,
    message: str,
    evidence: tuple[EvidenceRef, ...],
) -> Factor:
    return Factor(
        factor=code,
        title=_TITLES[code],
        points=points,
        max=maximum,
        reason_code=reason,
        message=message,
        evidence=evidence,
    )
