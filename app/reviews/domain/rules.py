"""Review rules: how long a report stays current, how reports are labelled, which findings
contradict the vendor's answers, and how risks rank.

A report is treated as current for 365 days after its period ends (or its as-of date for a
Type 1 report), measured from the period end and never from the upload date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Final

CURRENT_DAYS: Final = 365
EXPIRING_SOON_DAYS: Final = 60
# A finding that names a questionnaire or document the vendor's tier requires and lacks.
REQUIREMENT_MISSING: Final = "REQUIREMENT_MISSING"

# Findings that compare what the vendor answered with what its documents show.
CONTRADICTION_CODES: Final = frozenset(
    {
        "SOC2_TYPE2_CLAIM_NO_REPORT",
        "SOC2_TYPE2_CLAIM_NOT_CURRENT",
        "SOC2_TYPE2_CLAIM_TYPE1",
        "SOC2_TYPE2_CLAIM_UNCONFIRMED",
        "SOC2_TYPE2_CLAIM_WRONG_FRAMEWORK",
        "EXCEPTIONS_CLAIM_CONTRADICTED",
        "EXCEPTIONS_COUNT_MISMATCH",
        "PERIOD_MISMATCH",
        "CRITERIA_MISMATCH",
        "ANSWER_MISMATCH",
        "ISO_CLAIM_CERTIFICATE_EXPIRED",
        "ISO_CLAIM_NO_CERTIFICATE",
        "BRIDGE_CLAIM_NO_LETTER",
    }
)

RISK_RANK: Final = {"Low": 1, "Moderate": 2, "Elevated": 3, "High": 4}

DECISION_LABELS: Final = {
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "more_information_requested": "More information requested",
    "rejected": "Rejected",
}


def current_until(period_end: date | None) -> date | None:
    """Return the last day a report is treated as current (period end + 365 days)."""
    return period_end + timedelta(days=CURRENT_DAYS) if period_end else None


def report_label(framework: str | None, report_type: str | None) -> str | None:
    """Name a report the way reviewers do: "SOC 2 Type 2", "SOC 3", "ISO/IEC 27001"."""
    if not framework:
        return None
    kinds = {"type1": "Type 1", "type2": "Type 2"}
    suffix = kinds.get(report_type or "")
    return f"{framework} {suffix}" if suffix else framework


def is_contradiction(code: str) -> bool:
    """Tell whether a finding compares an answer with a document."""
    return code in CONTRADICTION_CODES


def missing_requirements(findings: Iterable[Mapping[str, Any]]) -> int:
    """Count the findings that name a requirement of the vendor's tier it has not met."""
    return sum(1 for item in findings if item.get("code") == REQUIREMENT_MISSING)


def risk_rank(residual_risk: str | None) -> int:
    """Order residual risks from none (0) to High (4) for sorting."""
    return RISK_RANK.get(residual_risk or "", 0)


def days_left(until: date | None, today: date) -> int | None:
    """Return how many days a report has left of being current (negative once it lapsed)."""
    return (until - today).days if until else None


class CorrectionError(ValueError):
    """A corrected value that does not fit the fact."""


_LIST_FIELDS: Final = frozenset({"trust_services_criteria", "subservice_organizations"})
_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "framework": frozenset({"SOC 1", "SOC 2", "SOC 3"}),
    "report_type": frozenset({"type1", "type2"}),
    "opinion": frozenset({"unqualified", "qualified", "adverse", "disclaimer"}),
    "subservice_method": frozenset({"carve-out", "inclusive"}),
}


def parse_correction(field: str, raw: str) -> object:
    """Turn a typed correction into the fact's value: lists, counts, yes/no, or checked words."""
    text = raw.strip()
    if field in _LIST_FIELDS:
        return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]
    if field == "exceptions_count":
        if not text:
            return None
        if not text.isdigit():
            raise CorrectionError("The number of exceptions is a whole number.")
        return int(text)
    if field == "cuecs":
        if text.lower() not in {"yes", "no"}:
            raise CorrectionError("Answer yes or no.")
        return text.lower() == "yes"
    allowed = _ALLOWED.get(field)
    if allowed is not None and text and text not in allowed:
        raise CorrectionError(f"Use one of: {', '.join(sorted(allowed))}.")
    return text or None
