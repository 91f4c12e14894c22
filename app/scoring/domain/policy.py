"""Scoring policy: every weight, threshold, cap, band and lookup of the assurance score.

The policy is data (a versioned YAML file) parsed into frozen models, so changing a weight
never needs a code change and every stored score can name the policy that produced it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.scoring.domain.requirement_policy import RequirementsPolicy
from app.scoring.errors import PolicyError

Band = Literal["A", "B", "C", "D", "F"]
ResidualRisk = Literal["low", "moderate", "elevated", "high"]
InherentTier = Literal["critical", "high", "moderate", "low"]

BAND_ORDER: tuple[Band, ...] = ("A", "B", "C", "D", "F")
Points = Annotated[int, Field(ge=0, le=100)]


class _PolicyModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _FactorPolicy(_PolicyModel):
    max: Points

    def _check_points(self, *values: int) -> None:
        if any(value > self.max for value in values):
            raise ValueError(f"points above the factor maximum {self.max}")


class FrameworkTypePolicy(_FactorPolicy):
    soc2_type2: Points
    soc1_type2_icfr: Points
    soc1_type2: Points
    soc3: Points
    soc2_type1: Points
    soc1_type1_icfr: Points
    soc1_type1: Points
    unknown: Points

    @model_validator(mode="after")
    def _within_max(self) -> Self:
        self._check_points(self.soc2_type2, self.soc1_type2_icfr, self.soc1_type2, self.soc3)
        self._check_points(self.soc2_type1, self.soc1_type1_icfr, self.soc1_type1, self.unknown)
        return self


class RecencyStep(_PolicyModel):
    max_days: int = Field(ge=0)
    points: Points


class RecencyPolicy(_FactorPolicy):
    steps: tuple[RecencyStep, ...] = Field(min_length=1)
    beyond_points: Points

    @model_validator(mode="after")
    def _steps_ordered(self) -> Self:
        days = [step.max_days for step in self.steps]
        points = [step.points for step in self.steps] + [self.beyond_points]
        if days != sorted(set(days)):
            raise ValueError("recency steps must have strictly increasing max_days")
        if points != sorted(points, reverse=True):
            raise ValueError("recency points must not rise as reports age")
        self._check_points(*points)
        return self


class PeriodStep(_PolicyModel):
    min_days: int = Field(ge=0)
    points: Points


class PeriodLengthPolicy(_FactorPolicy):
    steps: tuple[PeriodStep, ...] = Field(min_length=1)
    below_points: Points
    type1_points: Points

    @model_validator(mode="after")
    def _steps_ordered(self) -> Self:
        days = [step.min_days for step in self.steps]
        points = [step.points for step in self.steps] + [self.below_points]
        if days != sorted(set(days), reverse=True):
            raise ValueError("period steps must have strictly decreasing min_days")
        if points != sorted(points, reverse=True):
            raise ValueError("period points must not rise as periods shorten")
        self._check_points(*points, self.type1_points)
        return self


class OpinionPolicy(_FactorPolicy):
    unqualified: Points
    qualified: Points
    qualified_material: Points
    qualified_basis_unknown: Points
    adverse: Points
    disclaimer: Points
    unknown: Points

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        self._check_points(self.unqualified)
        worst_qualified = min(self.qualified_material, self.qualified_basis_unknown)
        if not self.unqualified >= self.qualified >= worst_qualified >= self.adverse:
            raise ValueError("opinion points must fall from unqualified to adverse")
        return self


class ExceptionFamily(_PolicyModel):
    weight: int = Field(ge=0, le=100)
    criteria: tuple[str, ...] = Field(min_length=1)


class ExceptionFamilies(_PolicyModel):
    high: ExceptionFamily
    medium: ExceptionFamily
    low: ExceptionFamily
    unmapped_weight: int = Field(ge=0, le=100)


class ExceptionsPolicy(_FactorPolicy):
    not_disclosed_points: Points
    families: ExceptionFamilies
    soc1_high_keywords: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _within_max(self) -> Self:
        self._check_points(self.not_disclosed_points)
        return self


class ScopePolicy(_FactorPolicy):
    soc1_icfr_points: Points
    soc1_points: Points

    @model_validator(mode="after")
    def _within_max(self) -> Self:
        self._check_points(self.soc1_icfr_points, self.soc1_points)
        return self


class FactorsPolicy(_PolicyModel):
    framework_type: FrameworkTypePolicy
    recency: RecencyPolicy
    period_length: PeriodLengthPolicy
    opinion: OpinionPolicy
    exceptions: ExceptionsPolicy
    scope: ScopePolicy

    @model_validator(mode="after")
    def _maxima_total_100(self) -> Self:
        total = sum(factor.max for factor in self._all())
        if total != 100:
            raise ValueError(f"factor maxima must add up to 100, not {total}")
        return self

    def _all(self) -> tuple[_FactorPolicy, ...]:
        return (
            self.framework_type,
            self.recency,
            self.period_length,
            self.opinion,
            self.exceptions,
            self.scope,
        )


class BridgePolicy(_PolicyModel):
    max_days: int = Field(ge=1, le=366)
    recency_cap: Points
    overlong: Literal["reject", "truncate"]


class GatesPolicy(_PolicyModel):
    not_a_soc_report_score: Points
    adverse_or_disclaimer_cap: Points
    stale_after_days: int = Field(ge=0)
    stale_cap: Points
    auditor_unidentified_cap: Points
    low_confidence_max: float = Field(ge=0.0, le=1.0)


class BandLimit(_PolicyModel):
    band: Band
    min_score: Points
    label: str = Field(min_length=1)


class ResidualRow(_PolicyModel):
    A: ResidualRisk
    B: ResidualRisk
    C: ResidualRisk
    D: ResidualRisk
    F: ResidualRisk


class ResidualTable(_PolicyModel):
    critical: ResidualRow
    high: ResidualRow
    moderate: ResidualRow
    low: ResidualRow


class FlagsPolicy(_PolicyModel):
    pattern_min_exceptions: int = Field(ge=1)
    access_cluster_group: str = Field(min_length=1)
    access_cluster_min: int = Field(ge=1)
    short_period_days: int = Field(ge=0)
    long_period_days: int = Field(ge=0)
    zero_exceptions_min_controls: int = Field(ge=1)


class Iso27001Policy(_PolicyModel):
    points: Points


class AiVendorsPolicy(_PolicyModel):
    """What counts for vendors whose profile says the service we use has AI features."""

    iso42001_points: Points = 0


QuestionnaireSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
TIER_ORDER: tuple[InherentTier, ...] = ("critical", "high", "moderate", "low")


class TierReassessment(_PolicyModel):
    """How often a tier is reviewed again, and the questionnaires that go out when it is."""

    months: int = Field(ge=1, le=120)
    questionnaires: tuple[QuestionnaireSlug, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.questionnaires)) != len(self.questionnaires):
            raise ValueError("a questionnaire is listed twice")
        return self


class ReassessmentPolicy(_PolicyModel):
    """The review cadence of each inherent tier (it changes no score)."""

    critical: TierReassessment
    high: TierReassessment
    moderate: TierReassessment
    low: TierReassessment

    @model_validator(mode="after")
    def _riskier_tiers_come_back_sooner(self) -> Self:
        months = [self.for_tier(tier).months for tier in TIER_ORDER]
        if months != sorted(months):
            raise ValueError("a riskier tier cannot be reviewed less often than a safer one")
        return self

    def for_tier(self, tier: InherentTier) -> TierReassessment:
        """Return the cadence and questionnaires of one tier."""
        found: TierReassessment = getattr(self, tier)
        return found


DEFAULT_REASSESSMENT = ReassessmentPolicy(
    critical=TierReassessment(months=12, questionnaires=("security-baseline", "soc-assurance")),
    high=TierReassessment(months=12, questionnaires=("security-baseline", "soc-assurance")),
    moderate=TierReassessment(months=24, questionnaires=("security-baseline",)),
    low=TierReassessment(months=36, questionnaires=("vendor-profile",)),
)


class Policy(_PolicyModel):
    version: str = Field(min_length=1, max_length=32)
    current_report_days: int = Field(ge=1)
    factors: FactorsPolicy
    bridge: BridgePolicy
    gates: GatesPolicy
    bands: tuple[BandLimit, ...]
    residual_risk: ResidualTable
    flags: FlagsPolicy
    iso27001: Iso27001Policy
    ai_vendors: AiVendorsPolicy = AiVendorsPolicy()
    reassessment: ReassessmentPolicy = DEFAULT_REASSESSMENT
    # The documents each tier must hold (from default-v3); without it nothing is checked.
    requirements: RequirementsPolicy | None = None

    @model_validator(mode="after")
    def _bands_complete(self) -> Self:
        if tuple(limit.band for limit in self.bands) != BAND_ORDER:
            raise ValueError("bands must list A, B, C, D, F in that order")
        minima = [limit.min_score for limit in self.bands]
        if minima != sorted(set(minima), reverse=True) or minima[-1] != 0:
            raise ValueError("band minima must fall strictly and band F must start at 0")
        return self

    def band_for(self, score: int) -> BandLimit:
        """Return the band whose range holds the score."""
        return next(limit for limit in self.bands if score >= limit.min_score)

    def residual_for(self, tier: InherentTier, band: Band) -> ResidualRisk:
        """Look up residual risk for an inherent tier and an assurance band."""
        row: ResidualRow = getattr(self.residual_risk, tier)
        risk: ResidualRisk = getattr(row, band)
        return risk


def load_policy(text: str) -> Policy:
    """Parse and validate a policy from YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy is not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(data, dict):
        raise PolicyError("policy must be a YAML mapping")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"invalid policy: {first_error(exc)}") from exc


def first_error(exc: ValidationError) -> str:
    """Summarise the first validation error as 'dotted.location: message'."""
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"]) or "(root)"
    return f"{location}: {error['msg']}"
