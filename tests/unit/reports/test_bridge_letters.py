"""Bridge letters as companies write them (synthetic look-alikes)."""

from __future__ import annotations

from app.reports.domain.soc_metadata import extract_facts

_HEAD = [
    "To Our Valued Customers:",
    "Subject: Bridge Letter for the Kestrel Apps SOC 2 Type 2 Report",
    "Kestrel Apps, Inc. (Kestrel) engaged Hollis & Price LLP to perform a SOC 2 Type 2",
    "examination of Kestrel's System for the period January 1, 2024 to December 31, 2024.",
]
_SIGN = ["Sincerely,", "Dana Li", "Chief Information Security Officer"]


def test_as_of_date_with_no_material_changes_is_the_bridge_end():
    page = [
        "February 18, 2025",
        *_HEAD,
        "As of February 18, 2025, Kestrel is not aware of any material changes to Kestrel's",
        "System that would significantly affect the controls described in the report.",
        *_SIGN,
    ]
    result = extract_facts(["\n".join(page)])
    assert result.doc_kind == "bridge_letter"
    assert result.service_organization == "Kestrel Apps, Inc."
    assert (result.period_start, result.period_end) == ("2024-01-01", "2024-12-31")
    assert result.bridge_through == "2025-02-18"
    assert result.report_date == "2025-02-18"
    assert result.warning_codes() == ()


def test_letter_dated_before_the_end_of_the_bridged_period_is_flagged():
    page = [
        "February 18, 2025",
        *_HEAD,
        "This letter covers the period from January 1, 2025 through March 31, 2025",
        '(the "bridge period"). Kestrel is not aware of any material changes to its controls.',
        *_SIGN,
    ]
    result = extract_facts(["\n".join(page)])
    assert result.bridge_through == "2025-03-31"
    assert "BRIDGE_DATED_EARLY" in result.warning_codes()


def test_possessive_system_name_is_not_the_organisation():
    page = [
        "March 3, 2025",
        "To whom it may concern:",
        "This bridge letter covers Tamarack Health's System, examined in a SOC 2 Type 2 report for",
        "the period October 1, 2023 to September 30, 2024.",
        "As of March 3, 2025, there have been no material changes to the system.",
        "Tamarack Health, LLC",
    ]
    result = extract_facts(["\n".join(page)])
    assert result.doc_kind == "bridge_letter"
    assert result.service_organization == "Tamarack Health"
    assert result.bridge_through == "2025-03-03"
