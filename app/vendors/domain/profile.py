"""Vendor inherent risk: the tier and profile flags derived from the `vendor-profile` intake."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from app.questionnaires.domain.answer_rules import AnswerValue, is_unanswered
from app.questionnaires.errors import IncompleteProfile

PROFILE_SLUG: Final = "vendor-profile"
PROFILE_QUESTIONS: Final = (
    "data_categories",
    "system_access",
    "integration_depth",
    "business_criticality",
    "uptime_critical",
    "transaction_processing",
    "icfr_relevant",
)
"""Question ids of `vendor-profile` that the tier rule reads."""
AI_QUESTIONS: Final = ("ai_features", "ai_processes_our_data")
"""Question ids of `vendor-profile` v2 about AI features; v1 intakes lack them (no AI)."""


class RiskTier(StrEnum):
    """Inherent risk of a vendor before any evidence is reviewed, lowest first."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"


_TIER_ORDER: Final = (RiskTier.LOW, RiskTier.MODERATE, RiskTier.HIGH, RiskTier.CRITICAL)

DATA_POINTS: Final = {
    "none": 0,
    "public": 0,
    "internal": 1,
    "confidential": 3,
    "personal": 3,
    "special_category": 4,
    "payment_card": 4,
}
ACCESS_POINTS: Final = {"none": 0, "user": 1, "network": 3, "privileged": 4}
CRITICALITY_POINTS: Final = {"low": 1, "medium": 2, "high": 4}
INTEGRATION_POINTS: Final = {"none": 0, "light": 0, "moderate": 1, "deep": 2}

REGULATED_DATA: Final = frozenset({"special_category", "payment_card"})
PERSONAL_DATA: Final = frozenset({"personal", "special_category", "payment_card"})
CONFIDENTIAL_DATA: Final = frozenset({"confidential"}) | PERSONAL_DATA


@dataclass(frozen=True)
class ProfileFlags:
    """What the vendor does for us that decides which trust services criteria it needs."""

    personal_data: bool
    confidential_data: bool
    uptime_critical: bool
    transaction_processing: bool
    icfr_relevant: bool
    ai_features: bool = False
    ai_processes_our_data: bool = False


@dataclass(frozen=True)
class InherentTier:
    """The inherent tier, the points behind it and the reasons, plus the profile flags."""

    tier: RiskTier
    points: int
    flags: ProfileFlags
    reasons: tuple[str, ...]


def inherent_tier(answers: Mapping[str, AnswerValue]) -> InherentTier:
    """Derive a vendor's inherent risk tier and profile flags from `vendor-profile` answers.

    Points (after a public tiering script and Drata's key-vendor test, SOC-REPORTS.md §2.2):
    data = the most sensitive category shared (special-category or payment card 4,
    confidential or personal 3, internal 1, public or none 0); access (privileged 4,
    network 3, named user 1, none 0); criticality (high 4, medium 2, low 1); integration
    (deep 2, moderate 1, light or none 0). Total 0–14 gives the base tier: 11+ critical,
    7–10 high, 4–6 moderate, 0–3 low.

    Floors then raise the tier, never lower it: privileged access together with
    confidential or personal data → critical; special-category or payment card data → at
    least high; uptime-critical → at least high; affects financial reporting or processes
    transactions → at least moderate.
    """
    missing = [key for key in PROFILE_QUESTIONS if is_unanswered(answers.get(key))]
    if missing:
        raise IncompleteProfile(missing)
    categories = _categories(answers)
    access = _choice(answers, "system_access", ACCESS_POINTS)
    parts = {
        "data": max(DATA_POINTS[category] for category in categories),
        f"access ({access})": ACCESS_POINTS[access],
    }
    criticality = _choice(answers, "business_criticality", CRITICALITY_POINTS)
    parts[f"criticality ({criticality})"] = CRITICALITY_POINTS[criticality]
    integration = _choice(answers, "integration_depth", INTEGRATION_POINTS)
    parts[f"integration ({integration})"] = INTEGRATION_POINTS[integration]
    flags = _flags(answers, categories)
    points = sum(parts.values())
    reasons = [f"{points} points: " + ", ".join(f"{name} {value}" for name, value in parts.items())]
    tier = _base_tier(points)
    for floor, reason in _floors(categories, access, flags):
        if _TIER_ORDER.index(floor) > _TIER_ORDER.index(tier):
            tier = floor
            reasons.append(f"raised to {floor}: {reason}")
    return InherentTier(tier=tier, points=points, flags=flags, reasons=tuple(reasons))


def _flags(answers: Mapping[str, AnswerValue], categories: frozenset[str]) -> ProfileFlags:
    return ProfileFlags(
        personal_data=bool(categories & PERSONAL_DATA),
        confidential_data=bool(categories & CONFIDENTIAL_DATA),
        uptime_critical=_yes(answers, "uptime_critical"),
        transaction_processing=_yes(answers, "transaction_processing"),
        icfr_relevant=_yes(answers, "icfr_relevant"),
        ai_features=answers.get("ai_features") == "yes",
        ai_processes_our_data=(
            answers.get("ai_features") == "yes" and answers.get("ai_processes_our_data") == "yes"
        ),
    )


def _base_tier(points: int) -> RiskTier:
    if points >= 11:
        return RiskTier.CRITICAL
    if points >= 7:
        return RiskTier.HIGH
    if points >= 4:
        return RiskTier.MODERATE
    return RiskTier.LOW


def _floors(
    categories: frozenset[str], access: str, flags: ProfileFlags
) -> list[tuple[RiskTier, str]]:
    floors: list[tuple[RiskTier, str]] = []
    if access == "privileged" and flags.confidential_data:
        floors.append((RiskTier.CRITICAL, "privileged access to confidential or personal data"))
    if categories & REGULATED_DATA:
        floors.append((RiskTier.HIGH, "special-category or payment card data"))
    if flags.uptime_critical:
        floors.append((RiskTier.HIGH, "an outage would stop a critical business process"))
    if flags.icfr_relevant or flags.transaction_processing:
        floors.append((RiskTier.MODERATE, "affects financial reporting or processes transactions"))
    return floors


def _categories(answers: Mapping[str, AnswerValue]) -> frozenset[str]:
    value = answers.get("data_categories")
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise IncompleteProfile(["data_categories"])
    unknown = [item for item in value if item not in DATA_POINTS]
    if unknown:
        raise IncompleteProfile([f"data_categories (unknown value {unknown[0]!r})"])
    return frozenset(value)


def _choice(answers: Mapping[str, AnswerValue], question_id: str, points: Mapping[str, int]) -> str:
    value = answers.get(question_id)
    if not isinstance(value, str) or not value:
        raise IncompleteProfile([question_id])
    if value not in points:
        raise IncompleteProfile([f"{question_id} (unknown value {value!r})"])
    return value


def _yes(answers: Mapping[str, AnswerValue], question_id: str) -> bool:
    value = answers.get(question_id)
    if value not in ("yes", "no"):
        raise IncompleteProfile([question_id])
    return value == "yes"
