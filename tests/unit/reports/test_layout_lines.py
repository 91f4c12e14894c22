"""Layout details the rules rely on: sections from the first line, line search, table rows."""

from __future__ import annotations

import pytest

from app.reports.domain import layout
from app.reports.domain.layout import build_document
from app.reports.domain.line_search import lines_with_words, lowered
from app.reports.domain.tests_of_controls import read_test_results


def test_a_report_whose_body_starts_with_a_heading_is_split_into_sections():
    doc = build_document(
        [
            "Section 1: Independent Service Auditor's Report\nWe have examined the system.",
            "Section 2: Description of the System\nThe system processes data.",
        ]
    )
    assert [section.kind for section in doc.sections] == [layout.AUDITOR_REPORT, layout.DESCRIPTION]
    assert doc.sections[0].start == 0


@pytest.mark.parametrize("odd", ["İ", "ſ", ""])
def test_word_search_finds_lines_in_any_case_even_beside_unusual_letters(odd):
    text = f"First line {odd}\nSecond REPORT line\nthird\nthe Report again"
    offsets = [0]
    for line in text.split("\n")[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    assert lines_with_words(("report",), text, offsets, lowered(text)) == [1, 3]


def test_lower_casing_is_refused_when_it_would_move_offsets():
    assert lowered("İstanbul") is None
    assert lowered("Plain text") == "plain text"


def test_body_lines_keep_their_pages():
    doc = build_document(["one\ntwo", "three"])
    assert [(line.text, line.page) for line in doc.lines] == [("one", 1), ("two", 1), ("three", 2)]
    assert doc.page_at(doc.text.index("three")) == 2


def _tests_section(rows: list[str]) -> list[str]:
    return ["\n".join(["Section 4: Tests of Controls and Results", *rows])]


def test_criteria_listed_under_a_control_are_referenced_by_its_exception():
    doc = build_document(
        _tests_section(["CC6.1:", "C-12 Access is reviewed.", "CC6.2", "CC6.3", "Exception noted."])
    )
    results = read_test_results(doc)
    assert results is not None
    [found] = results.exceptions
    assert (found.control_id, found.criteria) == ("C-12", ("CC6.1", "CC6.2", "CC6.3"))


def test_an_exception_under_bare_criterion_ids_belongs_to_the_last_one():
    doc = build_document(_tests_section(["CC7.1", "CC7.2", "Deviation noted in 1 of 25 samples."]))
    results = read_test_results(doc)
    assert results is not None
    assert [(e.control_id, e.criteria) for e in results.exceptions] == [("CC7.2", ())]
