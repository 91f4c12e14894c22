"""What each inherent tier must provide: documents beside its questionnaires (policy data).

The questionnaires a tier must have answered are the ones its reassessment sends; this part
of the policy names the documents. Validated here, versioned with the scoring policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Months = Annotated[int, Field(ge=1, le=60)]


class _RequirementModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Soc2Type2Required(_RequirementModel):
    """A SOC 2 Type 2 report whose period ended at most ``max_age_months`` before the review,
    covering the trust services criteria the vendor's profile needs."""

    kind: Literal["soc2_type2"]
    max_age_months: Months = 12

    def describe(self) -> str:
        """Say what is required, in words."""
        return (
            f"a SOC 2 Type 2 report whose period ended within {self.max_age_months} months, "
            "covering the trust services criteria the vendor's profile needs"
        )


class BridgeLetterRequired(_RequirementModel):
    """A bridge letter about the SOC 2 Type 2 report, once that report's period ended more
    than ``when_report_older_than_months`` before the review."""

    kind: Literal["bridge_letter"]
    when_report_older_than_months: Months

    def describe(self) -> str:
        """Say what is required, in words."""
        return (
            "a bridge letter once that report's period ended more than "
            f"{self.when_report_older_than_months} months before the review"
        )


class Iso27001Required(_RequirementModel):
    """A current ISO/IEC 27001 certificate."""

    kind: Literal["iso27001_certificate"]

    def describe(self) -> str:
        """Say what is required, in words."""
        return "a current ISO/IEC 27001 certificate"


class UploadRequired(_RequirementModel):
    """A file the vendor uploaded in answer to one questionnaire question."""

    kind: Literal["answered_upload"]
    question: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}/[a-z0-9_]{1,100}$")
    label: str = Field(min_length=1, max_length=100)

    def describe(self, title: Callable[[str], str] = str) -> str:
        """Say what is required, in words (``title`` names a questionnaire by its slug)."""
        slug = self.question.partition("/")[0]
        return f"a {self.label}, uploaded in answer to the \u201c{title(slug)}\u201d questionnaire"


DocumentRequirement = Annotated[
    Soc2Type2Required | BridgeLetterRequired | Iso27001Required | UploadRequired,
    Field(discriminator="kind"),
]


class TierDocuments(_RequirementModel):
    """The documents one tier must hold."""

    documents: tuple[DocumentRequirement, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        keys = [
            item.question if isinstance(item, UploadRequired) else item.kind
            for item in self.documents
        ]
        if len(set(keys)) != len(keys):
            raise ValueError("a document is required twice")
        report = self.soc2_type2()
        bridge = next((d for d in self.documents if isinstance(d, BridgeLetterRequired)), None)
        if bridge is not None and report is None:
            raise ValueError("a bridge letter is asked for a SOC 2 Type 2 report: require one")
        if bridge and report and bridge.when_report_older_than_months >= report.max_age_months:
            raise ValueError(
                "the bridge letter must be asked for before the report stops counting "
                "(when_report_older_than_months below max_age_months)"
            )
        return self

    def soc2_type2(self) -> Soc2Type2Required | None:
        """Return the SOC 2 Type 2 requirement, if the tier has one."""
        return next((d for d in self.documents if isinstance(d, Soc2Type2Required)), None)


class RequirementsPolicy(_RequirementModel):
    """The documents each inherent tier must hold."""

    critical: TierDocuments
    high: TierDocuments
    moderate: TierDocuments
    low: TierDocuments

    def for_tier(self, tier: str) -> TierDocuments:
        """Return the documents one tier must hold."""
        found: TierDocuments = getattr(self, tier)
        return found
