"""When a vendor is reviewed again: its latest decision plus its tier's cadence.

A review is "due" from ``REVIEW_DUE_SOON_DAYS`` before the date to the date itself, and
"overdue" after it, until a new decision moves the date on.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Final, Literal

REVIEW_DUE_SOON_DAYS: Final = 30
ReviewState = Literal["", "due", "overdue"]
REVIEW_STATE_LABELS: Final = {"due": "Review due", "overdue": "Review overdue"}


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later, on the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_on(decided_on: date | None, months: int | None) -> date | None:
    """Return the next review date, or None before the first decision or without a tier."""
    if decided_on is None or months is None:
        return None
    return add_months(decided_on, months)


def review_state(next_review: date | None, today: date) -> ReviewState:
    """Tell whether the review is due soon (or today), overdue, or neither."""
    if next_review is None:
        return ""
    if next_review < today:
        return "overdue"
    if (next_review - today).days <= REVIEW_DUE_SOON_DAYS:
        return "due"
    return ""
