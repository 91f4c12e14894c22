"""How urgently an open request needs chasing: overdue, due soon, or neither."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

DUE_SOON_DAYS = 7


class Urgency(StrEnum):
    overdue = "overdue"
    due_soon = "due_soon"
    none = "none"


def urgency_of(*, is_open: bool, due_on: date | None, today: date) -> Urgency:
    """Overdue once the due date has passed, due soon within a week of it; closed: neither."""
    if not is_open or due_on is None:
        return Urgency.none
    if due_on < today:
        return Urgency.overdue
    if (due_on - today).days <= DUE_SOON_DAYS:
        return Urgency.due_soon
    return Urgency.none
