"""Forms of the vendor pages."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, StringConstraints, field_validator

from app.questionnaires.domain.answer_rules import is_web_address
from app.questionnaires.domain.vocabulary import TRUST_CENTER_TERMS
from app.vendors.models import InherentTier, VendorStatus

DATA_CATEGORIES: dict[str, str] = {
    "customer_personal_data": "Customer personal data",
    "employee_personal_data": "Employee personal data",
    "special_category_data": "Health or other special-category data",
    "payment_card_data": "Payment card data",
    "financial_data": "Financial records",
    "confidential_business": "Confidential business information",
    "source_code": "Source code",
    "credentials": "Credentials or secrets",
    "usage_data": "Usage or telemetry data",
    "none": "No data shared",
}
PROFILE_FLAGS: dict[str, str] = {
    "personal_data": "Processes personal data for us",
    "confidential_data": "Holds our confidential data",
    "uptime_critical": "Our service stops if it is down",
    "transaction_processing": "Processes transactions for us",
    "icfr_relevant": "Affects our financial reporting",
    "ai_features": "The service we use has AI features",
    "ai_processes_our_data": "Our data reaches its AI features",
}

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class VendorForm(BaseModel):
    name: Name
    domain: Annotated[str, StringConstraints(strip_whitespace=True, max_length=253)] = ""
    services_used: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    data_categories: list[str] = Field(default_factory=list)
    inherent_tier: InherentTier | None = None
    status: VendorStatus = VendorStatus.onboarding
    flags: list[str] = Field(default_factory=list)
    # One other name per line: trading and former names, the parent, product brands.
    aliases: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""
    # Where the vendor publishes its reports (no fetching: staff download and attach them).
    trust_center_url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    trust_center_terms: Annotated[str, StringConstraints(strip_whitespace=True)] = ""

    @field_validator("trust_center_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not is_web_address(value):
            raise ValueError("enter a web address like https://trust.example.com")
        return value

    @field_validator("trust_center_terms")
    @classmethod
    def _known_terms(cls, value: str) -> str:
        if value and value not in TRUST_CENTER_TERMS:
            raise ValueError("choose one of the listed terms")
        return value

    def alias_list(self) -> list[str]:
        """Return the other names, one per line."""
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def profile(self) -> dict[str, bool]:
        """Return the profile flags the scoring needs, every flag present."""
        return {flag: flag in self.flags for flag in PROFILE_FLAGS}


class ContactForm(BaseModel):
    name: Name
    email: EmailStr
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    is_primary: bool = False
