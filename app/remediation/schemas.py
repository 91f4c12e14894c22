"""Forms of remediation pages and the rows they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.remediation.domain.rules import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    RemediationSeverity,
    RemediationStatus,
    is_overdue,
)
from app.remediation.models import EntryKind, RemediationItem

StatusFilter = Literal["", "active", "overdue", "open", "waiting_for_vendor", "in_review",
                       "closed", "accepted_as_risk"]  # fmt: skip


_PHRASES = {
    RemediationStatus.open: "reopened the item",
    RemediationStatus.in_review: "received the vendor's answer",
    RemediationStatus.closed: "verified and closed the item",
    RemediationStatus.accepted_as_risk: "accepted the risk",
}


class _Form(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ItemForm(_Form):
    """What must change, who owns it on our side, by when, and how much it matters."""

    required_change: str = Field(min_length=1, max_length=5000)
    owner_id: int | None = Field(default=None, ge=1)
    due_on: date
    severity: RemediationSeverity = RemediationSeverity.medium


class NewItemForm(ItemForm):
    """A new item, optionally raised from a finding of the review."""

    finding_code: str = Field(default="", max_length=64)
    finding_ref: str = Field(default="", max_length=2000)


class AcceptForm(_Form):
    """A risk acceptance: why, and until when (the item reopens on that date)."""

    reason: str = Field(min_length=1, max_length=5000)
    accepted_until: date


class NoteForm(_Form):
    text: str = Field(default="", max_length=5000)


class RequiredNoteForm(_Form):
    text: str = Field(min_length=1, max_length=5000)


class VendorAnswerForm(_Form):
    text: str = Field(min_length=1, max_length=5000)


class ListFilters(_Form):
    status: StatusFilter = "active"
    owner_id: int | None = Field(default=None, ge=1)


@dataclass(frozen=True)
class ItemRow:
    """An item as lists and pages show it."""

    item: RemediationItem
    vendor_name: str
    owner_name: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.item.status]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.item.severity]

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.item.status, self.item.due_on, today)


@dataclass(frozen=True)
class EntryView:
    """One line of an item's history, with who wrote it in plain words."""

    kind: EntryKind
    who: str
    text: str
    document_id: int | None
    document_name: str | None
    status_from: RemediationStatus | None
    status_to: RemediationStatus | None
    at: datetime

    @property
    def staff_phrase(self) -> str:
        """Say what a change of status did, as staff read it in the history."""
        if self.status_to is RemediationStatus.waiting_for_vendor:
            sent_back = self.status_from is RemediationStatus.in_review
            return "sent it back to the vendor" if sent_back else "asked the vendor"
        return _PHRASES.get(self.status_to, "changed the item") if self.status_to else ""
