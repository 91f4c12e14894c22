"""Request and response bodies of vendors and their contacts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from app.api.schemas import StrictBody
from app.core.errors import InvalidInput
from app.core.rows import id_of
from app.questionnaires.domain.answer_rules import is_web_address
from app.questionnaires.domain.vocabulary import TRUST_CENTER_TERMS
from app.reviews.schemas import DashboardRow
from app.vendors.models import InherentTier, Vendor, VendorContact, VendorStatus
from app.vendors.schemas import DATA_CATEGORIES, PROFILE_FLAGS, VendorForm

VendorName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Domain = Annotated[str, StringConstraints(strip_whitespace=True, max_length=253)]
Services = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


ALIASES_HELP = (
    "Other names the vendor's documents may use (trading or former names, the parent, product "
    "brands); a document about an organisation matching none of them is not the vendor's."
)
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TRUST_CENTER_HELP = (
    "Where the vendor publishes its reports (an https:// address); reports obtained there are "
    "attached with the address as their source. Nothing is downloaded from it."
)
TERMS_HELP = "Terms for downloading from the trust center: " + ", ".join(TRUST_CENTER_TERMS)
TrustCenterUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(lambda value: _trust_center_url(value)),
]
TrustCenterTerms = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=32),
    AfterValidator(lambda value: _trust_center_terms(value)),
]


def _trust_center_url(value: str | None) -> str | None:
    if value and not is_web_address(value):
        raise ValueError("enter a web address starting with https://")
    return value


def _trust_center_terms(value: str | None) -> str | None:
    if value and value not in TRUST_CENTER_TERMS:
        raise ValueError(f"use one of: {', '.join(TRUST_CENTER_TERMS)}")
    return value


def _known(values: list[str], allowed: dict[str, str], what: str) -> list[str]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)}; use {', '.join(allowed)}")
    return sorted(set(values))


class VendorIn(StrictBody):
    """A new vendor."""

    name: VendorName
    domain: Domain = ""
    services_used: Services = ""
    data_categories: list[Code] = Field(default_factory=list, max_length=len(DATA_CATEGORIES))
    inherent_tier: InherentTier | None = None
    status: VendorStatus = VendorStatus.onboarding
    flags: list[Code] = Field(default_factory=list, max_length=len(PROFILE_FLAGS))
    aliases: list[Alias] = Field(default_factory=list, max_length=50, description=ALIASES_HELP)
    trust_center_url: TrustCenterUrl = Field(default="", description=TRUST_CENTER_HELP)
    trust_center_terms: TrustCenterTerms = Field(default="", description=TERMS_HELP)

    @field_validator("data_categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        return _known(value, DATA_CATEGORIES, "data category")

    @field_validator("flags")
    @classmethod
    def _flags(cls, value: list[str]) -> list[str]:
        return _known(value, PROFILE_FLAGS, "flag")

    def form(self) -> VendorForm:
        """Return the form the vendor service takes."""
        return VendorForm.model_validate(
            self.model_dump(exclude={"aliases"}) | {"aliases": "\n".join(self.aliases)}
        )


class VendorPatch(StrictBody):
    """Fields to change on a vendor; fields left out keep their value."""

    name: VendorName | None = None
    domain: Domain | None = None
    services_used: Services | None = None
    data_categories: list[Code] | None = Field(default=None, max_length=len(DATA_CATEGORIES))
    inherent_tier: InherentTier | None = None
    status: VendorStatus | None = None
    flags: list[Code] | None = Field(default=None, max_length=len(PROFILE_FLAGS))
    aliases: list[Alias] | None = Field(default=None, max_length=50, description=ALIASES_HELP)
    trust_center_url: TrustCenterUrl | None = Field(default=None, description=TRUST_CENTER_HELP)
    trust_center_terms: TrustCenterTerms | None = Field(default=None, description=TERMS_HELP)

    @field_validator("data_categories")
    @classmethod
    def _categories(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _known(value, DATA_CATEGORIES, "data category")

    @field_validator("flags")
    @classmethod
    def _flags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _known(value, PROFILE_FLAGS, "flag")

    def applied_to(self, vendor: Vendor) -> VendorForm:
        """Return the vendor's current values with this patch applied, as the edit form."""
        current = VendorForm(
            name=vendor.name,
            domain=vendor.domain,
            services_used=vendor.services_used,
            data_categories=list(vendor.data_categories),
            inherent_tier=vendor.inherent_tier,
            status=vendor.status,
            flags=[flag for flag in PROFILE_FLAGS if vendor.profile.get(flag)],
            aliases="\n".join(vendor.aliases),
            trust_center_url=vendor.trust_center_url or "",
            trust_center_terms=vendor.trust_center_terms or "",
        )
        changes = self.model_dump(exclude_unset=True)
        if changes.get("aliases") is not None:
            changes["aliases"] = "\n".join(changes["aliases"])
        values = {**current.model_dump(), **changes}
        try:
            return VendorForm.model_validate(values)
        except ValidationError as exc:
            fields = [
                {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
            ]
            raise InvalidInput("Some fields are invalid.", details={"fields": fields}) from None


class VendorOut(BaseModel):
    id: int
    name: str
    domain: str
    services_used: str
    data_categories: list[str]
    inherent_tier: InherentTier | None
    status: VendorStatus
    flags: list[str] = Field(description="Profile flags that hold for this vendor.")
    aliases: list[str] = Field(description=ALIASES_HELP)
    trust_center_url: str | None = Field(description=TRUST_CENTER_HELP)
    trust_center_terms: str | None = Field(description=TERMS_HELP)
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, vendor: Vendor) -> VendorOut:
        """Return the API view of a vendor row."""
        return cls(
            id=id_of(vendor),
            name=vendor.name,
            domain=vendor.domain,
            services_used=vendor.services_used,
            data_categories=list(vendor.data_categories),
            inherent_tier=vendor.inherent_tier,
            status=vendor.status,
            flags=[flag for flag in PROFILE_FLAGS if vendor.profile.get(flag)],
            aliases=list(vendor.aliases),
            trust_center_url=vendor.trust_center_url,
            trust_center_terms=vendor.trust_center_terms,
            created_at=vendor.created_at,
            updated_at=vendor.updated_at,
        )


class VendorSummary(BaseModel):
    """A vendor as the dashboard lists it, with its review summary."""

    id: int
    name: str
    inherent_tier: str | None
    score: Decimal | None = Field(description="Final score (the override when one applies).")
    computed_score: Decimal | None
    is_overridden: bool
    band: str | None
    residual_risk: str | None
    provisional: bool
    best_report: str | None
    period_end: date | None
    current_until: date | None
    exceptions_count: int | None
    open_findings: int
    has_contradictions: bool
    request_status: str | None
    latest_decision: str | None
    latest_decision_at: datetime | None
    follow_up_on: date | None
    overdue_remediation: int = Field(
        default=0, description="Remediation items past their due date and not yet finished."
    )
    missing_requirements: int = Field(
        default=0, description="REQUIREMENT_MISSING findings: what the tier requires and lacks."
    )

    @classmethod
    def of(cls, row: DashboardRow) -> VendorSummary:
        """Return the API view of a dashboard row."""
        return cls(
            id=row.vendor_id,
            name=row.name,
            inherent_tier=row.inherent_tier,
            score=row.score_value,
            computed_score=row.computed_value,
            is_overridden=row.is_overridden,
            band=row.band,
            residual_risk=row.residual_risk,
            provisional=row.provisional,
            best_report=row.best_report,
            period_end=row.period_end,
            current_until=row.current_until,
            exceptions_count=row.exceptions_count,
            open_findings=row.open_findings,
            has_contradictions=row.has_contradictions,
            request_status=row.request_status,
            latest_decision=row.latest_decision,
            latest_decision_at=row.latest_decision_at,
            follow_up_on=row.follow_up_on,
            overdue_remediation=row.overdue_remediation,
            missing_requirements=row.missing_requirements,
        )


class ContactIn(StrictBody):
    name: VendorName
    email: EmailStr = Field(max_length=320)
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    is_primary: bool = False


class ContactOut(BaseModel):
    id: int
    vendor_id: int
    name: str
    email: str
    title: str
    is_primary: bool
    created_at: datetime

    @classmethod
    def of(cls, contact: VendorContact) -> ContactOut:
        """Return the API view of a contact row."""
        return cls.model_validate(contact, from_attributes=True)


SortKey = Literal["name", "score", "-score", "risk", "current_until", "decided"]
