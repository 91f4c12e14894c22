"""Request and response bodies of remediation items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.api.schemas import StrictBody
from app.remediation.domain.rules import RemediationSeverity, RemediationStatus
from app.remediation.models import RemediationItem
from app.remediation.schemas import EntryView, ItemForm, ItemRow

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class RemediationOut(BaseModel):
    """A remediation item; ``version`` grows with every change."""

    id: int
    vendor_id: int
    vendor_name: str
    required_change: str
    owner_id: int | None
    owner_name: str | None
    due_on: date | None
    severity: RemediationSeverity
    status: RemediationStatus
    is_overdue: bool
    finding_code: str | None
    finding_ref: str
    decision_id: int | None
    accepted_by_id: int | None
    accepted_reason: str
    accepted_until: date | None
    closed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: ItemRow, *, today: date) -> RemediationOut:
        """Return the API view of an item."""
        item: RemediationItem = row.item
        return cls(
            id=item.id or 0,
            vendor_id=item.vendor_id,
            vendor_name=row.vendor_name,
            required_change=item.required_change,
            owner_id=item.owner_id,
            owner_name=row.owner_name,
            due_on=item.due_on,
            severity=item.severity,
            status=item.status,
            is_overdue=row.is_overdue(today),
            finding_code=item.finding_code,
            finding_ref=item.finding_ref,
            decision_id=item.decision_id,
            accepted_by_id=item.accepted_by_id,
            accepted_reason=item.accepted_reason,
            accepted_until=item.accepted_until,
            closed_at=item.closed_at,
            version=item.version,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


class RemediationIn(StrictBody):
    """A new item: what must change, its owner on our side, due date, severity."""

    required_change: Text
    owner_id: int | None = Field(default=None, ge=1)
    due_on: date
    severity: RemediationSeverity = RemediationSeverity.medium
    finding_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    finding_ref: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class RemediationPatch(StrictBody):
    """Fields to change; those left out keep their value."""

    required_change: Text | None = None
    owner_id: int | None = Field(default=None, ge=1)
    due_on: date | None = None
    severity: RemediationSeverity | None = None

    def applied_to(self, item: RemediationItem) -> ItemForm:
        """Return the item's fields with this patch applied (``owner_id: null`` clears it)."""
        given = self.model_dump(exclude_unset=True)
        current = {
            "required_change": item.required_change,
            "owner_id": item.owner_id,
            "due_on": item.due_on,
            "severity": item.severity,
        }
        return ItemForm.model_validate({**current, **given})


class AcceptIn(StrictBody):
    """Accept the risk until a date (after today); the item reopens on that date."""

    reason: Text
    accepted_until: date


class CloseIn(StrictBody):
    """Close an item once the change is verified."""

    note: Note = ""


class ChangeIn(StrictBody):
    """A note with a change: what the vendor must still do when sending back (required then)."""

    note: Note = ""


class EntryOut(BaseModel):
    """One line of an item's history."""

    kind: str
    who: str
    text: str
    document_id: int | None
    status_from: RemediationStatus | None
    status_to: RemediationStatus | None
    at: datetime

    @classmethod
    def of(cls, entry: EntryView) -> EntryOut:
        """Return the API view of a history entry."""
        return cls(
            kind=entry.kind.value,
            who=entry.who,
            text=entry.text,
            document_id=entry.document_id,
            status_from=entry.status_from,
            status_to=entry.status_to,
            at=entry.at,
        )
