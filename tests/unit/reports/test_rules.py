"""Field rules on page texts: dates, layout, opinion, exceptions and scope."""

from __future__ import annotations

from datetime import date

import pytest

from app.reports.domain.dates import find_ranges, parse_date
from app.reports.domain.layout import build_document, rows_out_of_order
from app.reports.domain.soc_metadata import extract_facts


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("March 31, 2025", date(2025, 3, 31)),
        ("31st March 2025", date(2025, 3, 31)),
        ("1 April 2024", date(2024, 4, 1)),
        ("Sept. 30, 2023", date(2023, 9, 30)),
        ("2024-06-30", date(2024, 6, 30)),
        ("February 30, 2024", None),
    ],
)
def test_written_dates_parse_in_us_day_first_and_iso_forms(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize("splitter", ["to", "through", "–", " - ", "until"])
def test_period_ranges_accept_every_usual_splitter(splitter):
    text = f"throughout the period January 1, 2024 {splitter} December 31, 2024."
    assert [(a, b) for _, _, a, b in find_ranges(text)] == [(date(2024, 1, 1), date(2024, 12, 31))]


def _pages(body: list[str], pages: int = 4) -> list[str]:
    chunk = max(1, len(body) // pages)
    return [
        "\n".join(["Vendor Co | SOC 2 Type 2 Report", *body[i : i + chunk], f"Page {n} of {pages}"])
        for n, i in enumerate(range(0, len(body), chunk), start=1)
    ]


def test_running_headers_and_page_footers_are_removed():
    doc = build_document(_pages([f"Body line {n} about controls." for n in range(40)]))
    assert not any("Page" in line.text or "|" in line.text for line in doc.lines)
    assert {line.text for line in doc.running_lines} >= {"Vendor Co | SOC 2 Type 2 Report"}


def test_repeated_result_lines_at_page_edges_are_kept():
    body = [
        line for n in range(12) for line in (f"CC{n}.1.1 Control text.", "No exceptions noted.")
    ]
    doc = build_document(_pages(body))
    assert sum(line.text == "No exceptions noted." for line in doc.lines) == 12


def test_column_by_column_table_text_is_detected_and_prose_is_not():
    assert rows_out_of_order("Control #\nCC6.1.1\nCC6.1.2\nCC6.1.3\nAccess is approved.")
    assert not rows_out_of_order("CC6.1.1 Access is approved.\nNo exceptions noted.\nCC6.1.2 Next.")


def _report(auditor_report: str, tests: str = "", description: str = "") -> list[str]:
    return [
        "Acme Widgets, Inc.\nSOC 2 Type 2 Report\nThroughout the Period January 1, 2024 to "
        "December 31, 2024",
        "Section 1: Independent Service Auditor's Report\nWe have examined Acme Widgets, Inc.'s "
        "description throughout the period January 1, 2024 to December 31, 2024 based on the "
        "trust services criteria relevant to Security.\n" + auditor_report + "\nRidge & Lowe LLP\n"
        "Portland, Oregon\nFebruary 2, 2025",
        "Section 3: Description of the Acme System\n" + description,
        "Section 4: Trust Services Criteria, Related Controls, and Tests of Controls\n" + tests,
    ]


@pytest.mark.parametrize(
    ("opinion", "expected"),
    [
        (
            "Opinion\nIn our opinion, in all material respects, the controls operated effectively, "
            "if complementary user entity controls operated effectively.",
            "unqualified",
        ),
        (
            "Qualified Opinion\nIn our opinion, except for the matter described in the Basis for "
            "Qualified Opinion paragraph, in all material respects, the controls operated.",
            "qualified",
        ),
        (
            "Adverse Opinion\nIn our opinion, because of the significance of the matter, the controls "
            "were not suitably designed and did not operate effectively.",
            "adverse",
        ),
        (
            "Disclaimer of Opinion\nAccordingly, we do not express an opinion on the description.",
            "disclaimer",
        ),
    ],
)
def test_opinion_form_is_read_from_the_auditors_report(opinion, expected):
    assert extract_facts(_report(opinion)).opinion == expected


def test_section_5_no_opinion_statement_is_not_a_disclaimer():
    opinion = (
        "The information in Section 5 is not covered; accordingly, we express no opinion on it.\n"
        "In our opinion, in all material respects, the controls operated effectively."
    )
    assert extract_facts(_report(opinion)).opinion == "unqualified"


def test_deviations_count_once_per_control_and_clean_results_do_not_count():
    tests = (
        "CC6.1: Logical access.\nCC6.1.1 Access is approved.\nNo deviations noted.\n"
        "CC6.1.2 Access is removed.\nDeviation noted. For 1 of 25 leavers, access stayed.\n"
        "CC6.1.2 Access is removed (second step).\nDeviation noted. A ticket was missing.\n"
        "CC6.1.3 Reviews happen.\nNo relevant exceptions noted."
    )
    result = extract_facts(_report("In our opinion, in all material respects, fine.", tests))
    assert result.exceptions_count == 1
    assert result.exceptions[0].control_id == "CC6.1.2"
    assert result.exceptions[0].criteria == ("CC6.1",)


def test_exception_handling_prose_in_the_description_is_not_an_exception():
    description = (
        "Exception handling. Exceptions noted by the batch monitor are routed to operations, and "
        "exceptions identified in reconciliations are resolved within a day."
    )
    tests = "CC7.1.1 Monitoring is performed.\nNo exceptions noted."
    result = extract_facts(
        _report("In our opinion, in all material respects, fine.", tests, description)
    )
    assert result.exceptions_count == 0


def test_trust_services_citation_naming_all_five_categories_is_not_scope():
    result = extract_facts(
        _report(
            "In our opinion, in all material respects, fine. Set forth in "
            "TSP section 100, 2017 Trust Services Criteria for Security, "
            "Availability, Processing Integrity, Confidentiality, and Privacy."
        )
    )
    assert result.trust_services_criteria == ("security",)


def test_conflicting_period_statements_raise_a_date_conflict_warning():
    pages = _report(
        "In our opinion, in all material respects, the controls operated effectively "
        "throughout the period January 1, 2023 to December 31, 2023."
    )
    result = extract_facts(pages)
    assert "DATE_CONFLICT" in result.warning_codes()
    assert result.period_start == "2024-01-01"


def test_every_labelled_fact_but_the_document_kind_can_be_corrected():
    from app.reports.domain.facts import FIELD_NAMES
    from app.reports.service import CORRECTABLE_FIELDS

    assert tuple(name for name in FIELD_NAMES if name != "doc_kind") == CORRECTABLE_FIELDS
