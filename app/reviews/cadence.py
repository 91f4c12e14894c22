"""Each vendor's next review date, from its latest decision and its tier's cadence."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from app.reviews.domain.reassessment import next_review_on
from app.scoring.domain.policy import Policy, ReassessmentPolicy, TierReassessment
from app.scoring.policy_loader import load_default_policy
from app.vendors.models import InherentTier


@lru_cache(maxsize=1)
def policy_in_force() -> Policy:
    """Return the policy in force (read once: the file is packaged)."""
    return load_default_policy()


def reassessment_policy() -> ReassessmentPolicy:
    """Return the reassessment part of the policy in force."""
    return policy_in_force().reassessment


def tier_reassessment(tier: InherentTier | str) -> TierReassessment:
    """Return the cadence and questionnaires of a tier."""
    return reassessment_policy().for_tier(InherentTier(tier).value)


def next_review_for(tier: InherentTier | str | None, decided_at: datetime | None) -> date | None:
    """Return a vendor's next review date, or None without a tier or a decision."""
    if tier is None or decided_at is None:
        return None
    return next_review_on(decided_at.date(), tier_reassessment(tier).months)
