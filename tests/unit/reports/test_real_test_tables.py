"""Type 2 test tables with the column headers and exception wording of real reports."""

from __future__ import annotations

import pytest

from app.reports.domain.soc_metadata import extract_facts

_COVER = "Tarn Logistics, Inc.\nSOC 2 Type 2 Report\nJanuary 1, 2024 to December 31, 2024"
_REPORT = "\n".join(
    [
        "Section 1: Independent Service Auditor's Report",
        "To the Management of Tarn Logistics, Inc.:",
        "We have examined Tarn Logistics, Inc.'s description of its system throughout the period",
        "January 1, 2024 to December 31, 2024, based on the criteria relevant to security.",
        "In our opinion, in all material respects, the controls operated effectively throughout",
        "the period January 1, 2024 to December 31, 2024.",
        "Yarrow & Finch LLP",
        "Reno, Nevada",
        "March 1, 2025",
    ]
)
_ASSERTION = "Section 2: Management's Assertion\nWe are responsible for the controls."
_DESCRIPTION = "Section 3: Description of the System\nTarn provides freight software."
_HEADER = "Service Organization Control Activity Test Performed by the Service Auditor Test Results"
_TERMINATION = [
    "CC6.2.1 Access is removed for terminated employees within one business day.",
    "Inspected termination tickets for a sample of terminated employees. Exception noted. For 1",
    "of 8 sampled terminated employees, access was removed after five business days.",
]
_SCANS = [
    "CC7.1.4 Vulnerability scans run monthly. Inspected scan reports. Exception noted. For 2 of",
    "12 months sampled, no scan was performed.",
]


def _tables(heading: str) -> list[str]:
    first = [
        heading,
        "CC6.2: Prior to issuing system credentials, the entity registers new users.",
        _HEADER,
        *_TERMINATION,
        "CC6.2.2 New access is approved. Inspected approvals for new users. No exceptions noted.",
    ]
    second = [
        "CC6.3: The entity authorizes, modifies, or removes access.",
        _HEADER,
        *_TERMINATION,
        "CC7.2: The entity monitors system components.",
        _HEADER,
        *_SCANS,
    ]
    third = ["CC7.3: The entity evaluates security events.", _HEADER, *_SCANS]
    return ["\n".join(first), "\n".join(second), "\n".join(third)]


@pytest.mark.parametrize(
    "heading",
    [
        "Section 4: Trust Services Criteria, Controls and Tests",
        # A heading the reader does not know: the table headers still mark the tests.
        "Section 4: Security Criteria Mapping",
    ],
)
def test_each_failing_control_counts_once_however_many_criteria_list_it(heading):
    pages = [_COVER, _REPORT, _ASSERTION, _DESCRIPTION, *_tables(heading)]
    result = extract_facts(pages)
    assert result.exceptions_count == 2
    assert {item.control_id for item in result.exceptions} == {"CC6.2.1", "CC7.1.4"}
    first = next(item for item in result.exceptions if item.control_id == "CC6.2.1")
    assert set(first.criteria) >= {"CC6.2", "CC6.3"}
    assert "For 1" in first.result


def test_management_responses_in_section_5_are_attached_to_their_exceptions():
    other = "\n".join(
        [
            "Section 5: Other Information Provided by Tarn Logistics, Inc.",
            "Management's Responses to Exceptions",
            "Control Management's Response",
            "CC6.2.1 Terminations now remove access automatically from the directory.",
            "The change was made in January 2025.",
            "CC9.9.9 A response to a control that had no exception.",
        ]
    )
    pages = [
        _COVER,
        _REPORT,
        _ASSERTION,
        _DESCRIPTION,
        *_tables("Section 4: Tests of Controls"),
        other,
    ]
    result = extract_facts(pages)
    responses = {item.control_id: item.management_response for item in result.exceptions}
    assert responses["CC6.2.1"] == (
        "Terminations now remove access automatically from the directory. "
        "The change was made in January 2025."
    )
    assert responses["CC7.1.4"] is None
