"""Reports in phrasings the corpus does not use, from both PDF producers."""

from __future__ import annotations

import pytest

from app.reports.extraction import extract_facts_from_pdf

from . import fixture_pdfs
from .test_corpus_accuracy import comparable


def _assert_facts(data: bytes, expected: dict[str, object]) -> None:
    result = extract_facts_from_pdf(data).as_dict()
    wrong = {
        f: (result[f], v) for f, v in expected.items() if comparable(result[f]) != comparable(v)
    }
    assert not wrong


def test_day_first_dates_type_ii_and_deviations_are_read(intl_report):
    _assert_facts(intl_report, fixture_pdfs.INTL_TYPE_II)


def test_prior_period_and_exception_handling_prose_do_not_leak_into_facts(intl_report):
    result = extract_facts_from_pdf(intl_report)
    assert result.period_start == "2024-04-01"
    assert "DATE_CONFLICT" not in result.warning_codes()
    assert {item.control_id for item in result.exceptions} == {"QC-7", "QC-23"}


def test_running_header_and_page_footer_are_not_read_as_content(intl_report):
    result = extract_facts_from_pdf(intl_report)
    assert all("Page" not in item for item in result.cuec_list)
    assert result.page_count == 9


def test_fpdf2_two_column_soc1_type_i_with_qualified_opinion(soc1_two_column_report):
    _assert_facts(soc1_two_column_report, fixture_pdfs.SOC1_TYPE_I_TWO_COLUMN)


def test_table_written_column_by_column_is_rebuilt_row_by_row(column_major_report):
    result = extract_facts_from_pdf(column_major_report)
    assert "LAYOUT_FALLBACK" in result.warning_codes()
    assert result.exceptions_count == 1
    assert result.exceptions[0].control_id == "CC6.1.4"


@pytest.mark.parametrize("fixture", ["intl_report", "soc1_two_column_report"])
def test_generated_reports_are_byte_identical_when_rebuilt(fixture, request):
    builders = {
        "intl_report": fixture_pdfs.build_intl_type_ii,
        "soc1_two_column_report": fixture_pdfs.build_soc1_type_i_two_column,
    }
    assert builders[fixture]() == request.getfixturevalue(fixture)
