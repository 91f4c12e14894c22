"""The life of a remediation item, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from app.remediation.domain.rules import (
    ChangeRefused,
    RemediationChange,
    RemediationSeverity,
    RemediationStatus,
    acceptance_lapsed,
    allowed_changes,
    conditions_of,
    is_overdue,
    next_status,
    severity_of_finding,
)

S = RemediationStatus
C = RemediationChange


@pytest.mark.parametrize(
    ("current", "change", "expected"),
    [
        (S.open, C.ask_vendor, S.waiting_for_vendor),
        (S.open, C.vendor_answer, S.in_review),
        (S.waiting_for_vendor, C.vendor_answer, S.in_review),
        (S.in_review, C.send_back, S.waiting_for_vendor),
        (S.in_review, C.close, S.closed),
        (S.waiting_for_vendor, C.accept_risk, S.accepted_as_risk),
        (S.accepted_as_risk, C.reopen, S.open),
        (S.closed, C.reopen, S.open),
    ],
)
def test_allowed_changes_lead_to_their_status(current, change, expected):
    assert next_status(current, change) is expected


@pytest.mark.parametrize(
    ("current", "change"),
    [
        (S.in_review, C.vendor_answer),  # answered already: staff review it first
        (S.closed, C.vendor_answer),
        (S.open, C.send_back),
        (S.closed, C.close),
        (S.accepted_as_risk, C.accept_risk),
        (S.open, C.reopen),
    ],
)
def test_other_changes_are_refused_in_plain_words(current, change):
    with pytest.raises(ChangeRefused) as refused:
        next_status(current, change)
    assert refused.value.message.endswith(".")


def test_a_finished_item_can_only_be_reopened():
    assert allowed_changes(S.closed) == {C.reopen}
    assert allowed_changes(S.accepted_as_risk) == {C.reopen}


def test_only_items_being_worked_on_are_overdue_and_only_after_their_date():
    today = date(2026, 12, 7)
    assert is_overdue(S.waiting_for_vendor, date(2026, 12, 6), today)
    assert not is_overdue(S.waiting_for_vendor, today, today)
    assert not is_overdue(S.closed, date(2026, 1, 1), today)
    assert not is_overdue(S.accepted_as_risk, date(2026, 1, 1), today)
    assert not is_overdue(S.open, None, today)


def test_an_acceptance_lapses_on_its_end_date():
    today = date(2027, 6, 30)
    assert acceptance_lapsed(S.accepted_as_risk, today, today)
    assert not acceptance_lapsed(S.accepted_as_risk, date(2027, 7, 1), today)
    assert not acceptance_lapsed(S.open, today, today)


def test_each_line_of_the_conditions_is_one_requirement_without_its_list_marker():
    text = "- Enable MFA\n\n* Rotate keys\n2. Send the pen test\n3) Fix 1.2 finding\n  Plain line  "
    assert conditions_of(text) == [
        "Enable MFA",
        "Rotate keys",
        "Send the pen test",
        "Fix 1.2 finding",
        "Plain line",
    ]
    assert conditions_of("  \n ") == []


def test_a_finding_of_information_only_becomes_a_low_item():
    assert severity_of_finding("high") is RemediationSeverity.high
    assert severity_of_finding("info") is RemediationSeverity.low
