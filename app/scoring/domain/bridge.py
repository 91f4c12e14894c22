"""Bridge (gap) letters: whether management's letter may extend a report's period end.

A bridge letter is a management representation, not an audited statement, so it only
counts when it follows straight on from the report it extends and stays short.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.reports.domain.names import normalize_name
from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.policy import BridgePolicy

BridgeStatus = Literal["valid", "overlong", "hole", "vague", "no_coverage", "older_report"]


@dataclass(frozen=True)
class BridgeCheck:
    letter: DocumentFacts
    status: BridgeStatus
    coverage_days: int
    effective_end: date | None

    @property
    def counts(self) -> bool:
        """Say whether the letter may extend the report's effective end."""
        return self.effective_end is not None


def _same_name(left: str | None, right: str | None) -> bool:
    # An unread name cannot contradict the match; all documents belong to one vendor.
    return left is None or right is None or normalize_name(left) == normalize_name(right)


def is_bridge_for(letter: DocumentFacts, report: DocumentFacts) -> bool:
    """Say whether a bridge letter is about the same organisation and report family."""
    same_framework = letter.framework is None or letter.framework == report.framework
    return (
        letter.doc_kind == "bridge_letter"
        and same_framework
        and _same_name(letter.service_organization, report.service_organization)
    )


def check_bridge(
    letter: DocumentFacts, report: DocumentFacts, policy: BridgePolicy
) -> BridgeCheck | None:
    """Decide whether one bridge letter extends one report, and why not if it does not."""
    period_end, letter_end, through = report.period_end, letter.period_end, letter.bridge_through
    if period_end is None or letter_end is None or through is None:
        return None
    if not is_bridge_for(letter, report):
        return None
    coverage = (through - period_end).days
    if letter_end < period_end:
        return BridgeCheck(letter, "older_report", coverage, None)
    if letter_end > period_end:
        # The letter extends a later period than this report's: the days between are uncovered.
        return BridgeCheck(letter, "hole", (through - letter_end).days, None)
    if coverage <= 0:
        return BridgeCheck(letter, "no_coverage", coverage, None)
    if letter.material_changes == "unclear":
        return BridgeCheck(letter, "vague", coverage, None)
    if coverage > policy.max_days:
        truncated = period_end + timedelta(days=policy.max_days)
        kept = truncated if policy.overlong == "truncate" else None
        return BridgeCheck(letter, "overlong", coverage, kept)
    return BridgeCheck(letter, "valid", coverage, through)


def check_bridges(
    report: DocumentFacts, letters: tuple[DocumentFacts, ...], policy: BridgePolicy
) -> tuple[BridgeCheck, ...]:
    """Check every bridge letter that is about this report's organisation and family."""
    checks = (check_bridge(letter, report, policy) for letter in letters)
    return tuple(check for check in checks if check is not None)


def best_bridge(checks: tuple[BridgeCheck, ...]) -> BridgeCheck | None:
    """Pick the counting bridge letter that reaches furthest."""
    counting = [
        (check.effective_end, check.letter.document_id, check)
        for check in checks
        if check.effective_end is not None
    ]
    return max(counting, key=lambda entry: entry[:2])[2] if counting else None
