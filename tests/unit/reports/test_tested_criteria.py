"""Section 4 is read for every criterion tested, not only those with exceptions."""

from __future__ import annotations

from app.reports.extraction import extract_facts_from_pdf

from .conftest import CORPUS


def _tested(data: bytes) -> dict[str, int]:
    result = extract_facts_from_pdf(data)
    return {item.snippet: item.page for item in result.evidence.get("tested_criteria", ())}


def test_every_criterion_header_of_a_clean_type2_is_read_with_its_first_page():
    tested = _tested((CORPUS / "a01.pdf").read_bytes())
    assert len(tested) == 38  # 33 common criteria, A1.1-A1.3, C1.1-C1.2
    assert tested["CC1.1"] == 10
    assert tested["CC6.1"] == 15
    assert "PI1.1" not in tested  # processing integrity is not in this report


def test_criteria_with_and_without_exceptions_are_both_listed():
    data = (CORPUS / "a02.pdf").read_bytes()
    result = extract_facts_from_pdf(data)
    failed = {criterion for item in result.exceptions for criterion in item.criteria}
    tested = _tested(data)
    assert failed == {"CC1.1", "CC6.4"}
    assert failed < set(tested)
    assert len(tested) == 33


def test_a_criteria_column_counts_as_well(intl_report):
    in_table = {f"CC{1 + n % 9}.{1 + n % 3}" for n in range(1, 41)} | {"CC6.2"}
    assert set(_tested(intl_report)) == in_table


def test_a_type1_and_a_soc3_list_no_tested_criteria():
    for name in ("a03.pdf", "a09.pdf"):
        assert _tested((CORPUS / name).read_bytes()) == {}, name
