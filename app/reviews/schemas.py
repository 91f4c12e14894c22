"""Forms, filters and view models of the review pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.requests.models import RequestStatus
from app.reviews.domain.reassessment import REVIEW_STATE_LABELS, ReviewState, review_state
from app.reviews.domain.rules import DECISION_LABELS, days_left
from app.reviews.models import DecisionOutcome
from app.vendors.models import InherentTier

SortKey = Literal["name", "score", "-score", "risk", "current_until", "decided"]
Currency = Literal["", "expiring", "lapsed", "none"]
ReviewFilter = Literal["", "due", "overdue"]
Band = Literal["", "A", "B", "C", "D", "F"]
RequestFilter = Literal[
    "", "sent", "opened", "in_progress", "submitted", "changes_requested", "accepted", "none"
]
REQUEST_STATUSES = (
    "sent",
    "opened",
    "in_progress",
    "submitted",
    "changes_requested",
    "accepted",
    "none",
)
SORT_LABELS: dict[str, str] = {
    "name": "Name",
    "score": "Score, lowest first",
    "-score": "Score, highest first",
    "risk": "Residual risk, highest first",
    "current_until": "Stops being current, soonest first",
    "decided": "Latest decision, newest first",
}


class DashboardFilters(BaseModel):
    """What the dashboard (and its export) shows; every field comes from the query string."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    q: str = Field(default="", max_length=200)
    band: Band = ""
    tier: InherentTier | Literal[""] = ""
    status: RequestFilter = ""
    currency: Currency = ""
    contradictions: bool = False
    no_decision: bool = False
    review: ReviewFilter = ""
    overdue_remediation: bool = False
    missing: bool = False  # some requirement of the vendor's tier is not met
    sort: SortKey = "name"

    def query_params(self) -> dict[str, str]:
        """Return the non-default filters as query parameters (for links and exports)."""
        params = {key: str(value) for key, value in self.model_dump().items() if value}
        params.pop("sort", None)
        if self.sort != "name":
            params["sort"] = self.sort
        for flag in ("contradictions", "no_decision", "overdue_remediation", "missing"):
            if flag in params:
                params[flag] = "1"
        return params


@dataclass(frozen=True)
class DashboardRow:
    vendor_id: int
    name: str
    inherent_tier: str | None
    score_value: Decimal | None
    computed_value: Decimal | None
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
    next_review_on: date | None = None
    # Remediation items of the vendor past their due date and still being worked on.
    overdue_remediation: int = 0
    missing_requirements: int = 0

    def review_state(self, today: date) -> ReviewState:
        """Tell whether the vendor's next review is due soon, overdue, or neither."""
        return review_state(self.next_review_on, today)

    def review_label(self, today: date) -> str:
        return REVIEW_STATE_LABELS.get(self.review_state(today), "")

    @property
    def request_status_label(self) -> str:
        """The latest request's status as pages show it, or "No request"."""
        return RequestStatus(self.request_status).label if self.request_status else "No request"

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS.get(self.latest_decision or "", "No decision")

    def days_current(self, today: date) -> int | None:
        """Return the days left before the best report stops being current."""
        return days_left(self.current_until, today)


class DecisionForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    outcome: DecisionOutcome
    reason: str = Field(min_length=1, max_length=5000)
    conditions: str = Field(default="", max_length=5000)
    follow_up_on: date | None = None
    message: str = Field(default="", max_length=5000)

    @model_validator(mode="after")
    def _outcome_needs(self) -> DecisionForm:
        missing = outcome_needs(
            self.outcome.value,
            conditions=self.conditions,
            follow_up_on=self.follow_up_on,
            message=self.message,
        )
        if missing:
            raise ValueError(next(iter(missing.values())))
        return self


def outcome_needs(
    outcome: str, *, conditions: str, follow_up_on: object, message: str
) -> dict[str, str]:
    """Return, per field, what a decision with this outcome still needs."""
    needs: dict[str, str] = {}
    if outcome == DecisionOutcome.approved_with_conditions.value:
        if not conditions.strip():
            needs["conditions"] = "List the conditions of the approval."
        if not follow_up_on:
            needs["follow_up_on"] = "Give a follow-up date for the conditions."
    if outcome == DecisionOutcome.more_information_requested.value and not message.strip():
        needs["message"] = "Write the message the vendor will receive."
    return needs


# What a person is told when a field of these forms is refused, in place of the validator's text.
DECISION_MESSAGES: dict[str, str] = {
    "outcome": "Choose a decision.",
    "reason": "Write the reason for the decision (at most 5,000 characters).",
    "conditions": "Keep the conditions under 5,000 characters.",
    "follow_up_on": "Enter the follow-up date as a date, for example 2027-03-31.",
    "message": "Keep the message under 5,000 characters.",
}
OVERRIDE_MESSAGES: dict[str, str] = {
    "value": "Enter a score from 0 to 100, with at most one decimal, for example 72.5.",
    "reason": "Write why the final score differs (at most 5,000 characters).",
}
CORRECTION_MESSAGES: dict[str, str] = {
    "value": "Keep the value under 2,000 characters.",
    "reason": "Say why the value is corrected (at most 2,000 characters).",
}


def plain_errors(errors: dict[str, str], messages: dict[str, str]) -> dict[str, str]:
    """Put each refused field's message in plain words; other messages are kept as written."""
    return {field: messages.get(field, message) for field, message in errors.items()}


def decision_errors(errors: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    """Every reason a decision form was refused, each beside its own field."""
    plain = plain_errors({k: v for k, v in errors.items() if k != "form"}, DECISION_MESSAGES)
    needs = outcome_needs(
        values.get("outcome", ""),
        conditions=values.get("conditions", ""),
        follow_up_on=values.get("follow_up_on", ""),
        message=values.get("message", ""),
    )
    found = {**needs, **plain}
    return found or {"outcome": errors.get("form", DECISION_MESSAGES["outcome"])}


class OverrideForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    value: Decimal = Field(ge=0, le=100, max_digits=4, decimal_places=1)
    reason: str = Field(min_length=1, max_length=5000)


class CorrectionForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    value: str = Field(default="", max_length=2000)
    reason: str = Field(min_length=1, max_length=2000)

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Say why the value is corrected.")
        return value
