"""The life of a remediation item: which change is allowed from which status, and when it is late.

An item starts ``open`` (raised on our side). Asking the vendor makes it ``waiting_for_vendor``;
the vendor's answer (words, evidence) puts it ``in_review``; staff verify and close it or send
it back to the vendor. Staff may instead accept the risk until a date; on that date the item
reopens by itself. Closed and accepted items are finished until someone reopens them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final


class RemediationStatus(StrEnum):
    open = "open"
    waiting_for_vendor = "waiting_for_vendor"
    in_review = "in_review"
    closed = "closed"
    accepted_as_risk = "accepted_as_risk"


class RemediationSeverity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class RemediationChange(StrEnum):
    """A change someone makes to an item (each one is kept in its history)."""

    ask_vendor = "ask_vendor"
    vendor_answer = "vendor_answer"
    send_back = "send_back"
    close = "close"
    accept_risk = "accept_risk"
    reopen = "reopen"


STATUS_LABELS: Final = {
    RemediationStatus.open: "Open",
    RemediationStatus.waiting_for_vendor: "Waiting for the vendor",
    RemediationStatus.in_review: "Vendor answered: to verify",
    RemediationStatus.closed: "Closed",
    RemediationStatus.accepted_as_risk: "Risk accepted",
}
SEVERITY_LABELS: Final = {
    RemediationSeverity.high: "High",
    RemediationSeverity.medium: "Medium",
    RemediationSeverity.low: "Low",
}
# Items still being worked on: they count as overdue once their due date has passed.
ACTIVE: Final = frozenset(
    {
        RemediationStatus.open,
        RemediationStatus.waiting_for_vendor,
        RemediationStatus.in_review,
    }
)
# The vendor sees these through its portal link and may answer them.
VENDOR_ANSWERABLE: Final = frozenset({RemediationStatus.open, RemediationStatus.waiting_for_vendor})
_ALLOWED: Final[dict[RemediationChange, frozenset[RemediationStatus]]] = {
    RemediationChange.ask_vendor: frozenset({RemediationStatus.open}),
    RemediationChange.vendor_answer: VENDOR_ANSWERABLE,
    RemediationChange.send_back: frozenset({RemediationStatus.in_review}),
    RemediationChange.close: ACTIVE,
    RemediationChange.accept_risk: ACTIVE,
    RemediationChange.reopen: frozenset(
        {RemediationStatus.closed, RemediationStatus.accepted_as_risk}
    ),
}
_RESULT: Final = {
    RemediationChange.ask_vendor: RemediationStatus.waiting_for_vendor,
    RemediationChange.vendor_answer: RemediationStatus.in_review,
    RemediationChange.send_back: RemediationStatus.waiting_for_vendor,
    RemediationChange.close: RemediationStatus.closed,
    RemediationChange.accept_risk: RemediationStatus.accepted_as_risk,
    RemediationChange.reopen: RemediationStatus.open,
}
_REFUSALS: Final = {
    RemediationChange.ask_vendor: "Only an open item can be sent to the vendor.",
    RemediationChange.vendor_answer: "This item is not waiting for an answer from you.",
    RemediationChange.send_back: "Only an item the vendor has answered can be sent back.",
    RemediationChange.close: "This item is already finished.",
    RemediationChange.accept_risk: "This item is already finished.",
    RemediationChange.reopen: "Only a closed item or an accepted risk can be reopened.",
}


class ChangeRefused(Exception):
    """The change does not apply to the item in its current status."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def next_status(current: RemediationStatus, change: RemediationChange) -> RemediationStatus:
    """Return the status an item takes after a change, or raise ChangeRefused."""
    if current not in _ALLOWED[change]:
        raise ChangeRefused(_REFUSALS[change])
    return _RESULT[change]


def allowed_changes(current: RemediationStatus) -> frozenset[RemediationChange]:
    """Return the changes staff and vendor may make to an item in this status."""
    return frozenset(change for change, sources in _ALLOWED.items() if current in sources)


def is_overdue(status: RemediationStatus, due_on: date | None, today: date) -> bool:
    """Tell whether an item still being worked on is past its due date."""
    return status in ACTIVE and due_on is not None and due_on < today


def acceptance_lapsed(status: RemediationStatus, accepted_until: date | None, today: date) -> bool:
    """Tell whether an accepted risk has reached its end date (the item reopens that day)."""
    return (
        status is RemediationStatus.accepted_as_risk
        and accepted_until is not None
        and accepted_until <= today
    )


def check_acceptance_end(accepted_until: date, today: date) -> None:
    """Refuse an acceptance that would end today or earlier (it would reopen at once)."""
    if accepted_until <= today:
        raise ChangeRefused("A risk is accepted until a date after today.")


def conditions_of(text: str) -> list[str]:
    """Split the conditions of an approval into one requirement per line.

    Officers write conditions as a list ("- encrypt backups", "2. rotate keys"); each line
    becomes its own item, without the list marker. Blank lines are skipped.
    """
    items: list[str] = []
    for line in text.splitlines():
        cleaned = line.strip().lstrip("-*•").strip()
        head, dot, rest = cleaned.partition(".")
        if dot and head.isdigit() and rest.strip():
            cleaned = rest.strip()
        head, paren, rest = cleaned.partition(")")
        if paren and head.isdigit() and rest.strip():
            cleaned = rest.strip()
        if cleaned:
            items.append(cleaned)
    return items


def severity_of_finding(severity: str) -> RemediationSeverity:
    """Map a finding's severity (high, medium, low, info) to an item's severity."""
    try:
        return RemediationSeverity(severity)
    except ValueError:
        return RemediationSeverity.low
