"""Next review dates: months added to the latest decision, and when a review is due."""

from __future__ import annotations

from datetime import date

import pytest

from app.reviews.domain.reassessment import add_months, next_review_on, review_state


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # shorter month: its last day
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 1), 36, date(2029, 1, 1)),
    ],
)
def test_months_are_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_no_review_date_without_a_decision_or_a_tier():
    assert next_review_on(None, 12) is None
    assert next_review_on(date(2026, 1, 1), None) is None
    assert next_review_on(date(2026, 1, 1), 24) == date(2028, 1, 1)


def test_a_review_is_due_within_thirty_days_and_overdue_after_its_date():
    review = date(2027, 6, 30)
    assert review_state(review, date(2027, 5, 30)) == ""
    assert review_state(review, date(2027, 5, 31)) == "due"
    assert review_state(review, review) == "due"
    assert review_state(review, date(2027, 7, 1)) == "overdue"
    assert review_state(None, review) == ""
