"""Response and request bodies of scores and decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from app.core.rows import id_of
from app.reviews.models import Decision, DecisionOutcome
from app.reviews.schemas import DecisionForm
from app.scoring import service as scoring_service
from app.scoring.domain.results import Candidate, Factor, Finding, Flag, GateResult
from app.scoring.models import Score
from app.vendors.models import InherentTier


class OverrideOut(BaseModel):
    value: Decimal
    reason: str | None
    by_user_id: int | None
    at: datetime | None
    in_force: bool = Field(description="False once a newer report arrived after the override.")


class ScoreOut(BaseModel):
    id: int
    vendor_id: int
    score: Decimal | None = Field(description="Final score: the override while it is in force.")
    computed_score: Decimal | None
    band: str | None = Field(description="Band of the final score (the override's band).")
    band_label: str | None = Field(description="Label of the final band.")
    computed_band: str | None = Field(description="Band of the computed score.")
    is_overridden: bool = Field(description="True while an override sets the final score.")
    residual_risk: str = Field(description="Residual risk of the final band.")
    provisional: bool
    policy_version: str
    evaluated_on: date
    computed_at: datetime
    override: OverrideOut | None

    @classmethod
    def of(
        cls, score: Score, *, override_in_force: bool, tier: InherentTier | None = None
    ) -> ScoreOut:
        """Return the API view of a stored score; the band follows the final score."""
        override = None
        if score.override_value is not None:
            override = OverrideOut(
                value=score.override_value,
                reason=score.override_reason,
                by_user_id=score.override_by_id,
                at=score.overridden_at,
                in_force=override_in_force,
            )
        final = scoring_service.final_score(score, override_in_force=override_in_force, tier=tier)
        return cls(
            id=id_of(score),
            vendor_id=score.vendor_id,
            score=final.value,
            computed_score=score.value,
            band=final.band,
            band_label=final.band_label,
            computed_band=score.band,
            is_overridden=final.is_overridden,
            residual_risk=final.residual_risk,
            provisional=score.provisional,
            policy_version=score.policy_version,
            evaluated_on=score.evaluated_on,
            computed_at=score.computed_at,
            override=override,
        )


class OverrideIn(BaseModel):
    """A final score set by hand; the reason is kept in the audit log beside both values."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    value: Decimal = Field(ge=0, le=100, max_digits=4, decimal_places=1)
    reason: str = Field(min_length=1, max_length=5000)


class ScoreExplanationOut(BaseModel):
    """Why the score is what it is: every factor, gate, flag and finding, with evidence."""

    score: ScoreOut
    factors: list[Factor]
    findings: list[Finding]
    gates: list[GateResult]
    flags: list[Flag]
    candidates: list[Candidate]
    pre_cap_score: int | None
    best_document_id: str | None
    band_label: str | None
    inherent_tier: str | None

    @classmethod
    def of(
        cls, score: Score, *, override_in_force: bool, tier: InherentTier | None = None
    ) -> ScoreExplanationOut:
        """Return the stored explanation of a score."""
        extra = score.explanation
        final = ScoreOut.of(score, override_in_force=override_in_force, tier=tier)
        return cls(
            score=final,
            factors=[Factor.model_validate(f) for f in score.factors],
            findings=[Finding.model_validate(f) for f in score.findings],
            gates=[GateResult.model_validate(g) for g in extra.get("gates", [])],
            flags=[Flag.model_validate(f) for f in extra.get("flags", [])],
            candidates=[Candidate.model_validate(c) for c in extra.get("candidates", [])],
            pre_cap_score=extra.get("pre_cap_score"),
            best_document_id=extra.get("best_document_id"),
            band_label=final.band_label,
            inherent_tier=extra.get("inherent_tier"),
        )


class DecisionIn(DecisionForm):
    """A decision about a vendor; asking for more information reopens its questionnaire."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DecisionOut(BaseModel):
    id: int
    vendor_id: int
    request_id: int | None
    score_id: int | None
    outcome: DecisionOutcome
    reason: str
    conditions: str
    follow_up_on: date | None
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, decision: Decision, decided_by: str) -> DecisionOut:
        """Return the API view of a decision."""
        return cls(
            id=id_of(decision),
            vendor_id=decision.vendor_id,
            request_id=decision.request_id,
            score_id=decision.score_id,
            outcome=decision.outcome,
            reason=decision.reason,
            conditions=decision.conditions,
            follow_up_on=decision.follow_up_on,
            decided_by=decided_by,
            decided_at=decision.decided_at,
        )
