"""Forms of the staff pages for questionnaire requests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Slug = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class SendForm(BaseModel):
    """Send one questionnaire to one of the vendor's contacts."""

    questionnaire: Slug
    contact_id: int
    due_on: date | None = None
    message: Annotated[str, StringConstraints(max_length=5000)] = ""


class ExtendForm(BaseModel):
    """A new due date for one request."""

    due_on: date


class BulkSendForm(BaseModel):
    """One questionnaire, one due date and one message for several vendors."""

    model_config = ConfigDict(str_strip_whitespace=True)

    questionnaire: str = Field(default="", max_length=100, validate_default=True)
    due_on: date | None = None
    message: str = Field(default="", max_length=5000)
    vendor_id: list[int] = Field(default_factory=list, validate_default=True)

    @field_validator("questionnaire")
    @classmethod
    def _questionnaire_chosen(cls, value: str) -> str:
        if not value:
            raise ValueError("Choose the questionnaire to send.")
        return value

    @field_validator("due_on", mode="before")
    @classmethod
    def _due_on_readable(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError("Enter the due date as a date, e.g. 2027-01-31.") from None
        return value

    @field_validator("due_on")
    @classmethod
    def _due_on_ahead(cls, value: date | None) -> date | None:
        if value is not None and value < datetime.now(UTC).date():
            raise ValueError("The due date cannot be in the past.")
        return value

    @field_validator("vendor_id")
    @classmethod
    def _some_vendor(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("Choose at least one vendor.")
        return value
