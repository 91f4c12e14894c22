"""Review rules (currency, labels, contradictions, corrections) and evidence highlighting."""

from __future__ import annotations

from datetime import date

import pytest

from app.reviews.domain import rules
from app.reviews.domain.evidence import QuestionAnswer, compare, has_match, highlight, show_value


def test_a_report_is_current_for_365_days_after_its_period_end():
    assert rules.current_until(date(2025, 9, 30)) == date(2026, 9, 30)
    assert rules.current_until(None) is None
    assert rules.days_left(date(2026, 1, 10), date(2026, 1, 1)) == 9


def test_reports_are_labelled_the_way_reviewers_name_them():
    assert rules.report_label("SOC 2", "type2") == "SOC 2 Type 2"
    assert rules.report_label("SOC 3", None) == "SOC 3"
    assert rules.report_label(None, "type1") is None


def test_only_answer_versus_document_findings_are_contradictions():
    assert rules.is_contradiction("SOC2_TYPE2_CLAIM_TYPE1")
    assert not rules.is_contradiction("CUEC_UNLINKED")


def test_corrections_are_parsed_by_the_kind_of_fact():
    assert rules.parse_correction("trust_services_criteria", "security, availability") == [
        "security",
        "availability",
    ]
    assert rules.parse_correction("exceptions_count", "3") == 3
    assert rules.parse_correction("cuecs", "Yes") is True
    with pytest.raises(rules.CorrectionError):
        rules.parse_correction("opinion", "great")
    with pytest.raises(rules.CorrectionError):
        rules.parse_correction("exceptions_count", "-1")


def test_a_quote_is_found_across_line_breaks_and_case():
    page = "Report on Controls\nThroughout the   period January 1, 2023\nto December 31, 2023."
    segments = highlight(page, "throughout the period january 1, 2023 to December")
    assert has_match(segments)
    marked = next(s.text for s in segments if s.is_match)
    assert marked.startswith("Throughout") and marked.endswith("December")
    assert "".join(s.text for s in segments) == page


def test_a_quote_cut_mid_word_still_finds_its_place():
    page = "prepared by Halvorsen & Pike LLP Chicago, Illinois February 23, 2024"
    quote = "ared by Halvorsen & Pike LLP Chicago, Illinois February 23, 2024 extra words here"
    assert has_match(highlight(page, quote))


def test_a_missing_quote_leaves_the_page_unmarked():
    assert not has_match(highlight("some text", "absent words"))
    assert highlight("text", "") == highlight("text", "   ")


def test_answers_are_paired_with_the_check_of_their_own_document():
    checks = {
        "report_type": {
            "claim": "report_type",
            "document_id": "8",
            "shows": "type1",
            "page": 3,
            "status": "contradiction",
        },
        "period_end": {
            "claim": "period_end",
            "status": "not_checked",
            "note": "no SOC 2 report on file",
        },
    }
    rows = compare(
        [
            QuestionAnswer("q1", "Which type?", "report_type", "Type 2"),
            QuestionAnswer("q2", "Period end?", "period_end", "2024-06-30"),
            QuestionAnswer("q3", "Auditor?", "service_auditor", "Halvorsen & Pike"),
        ],
        checks,
        {"8": "Acme SOC 2 2024.pdf"},
    )
    assert rows[0].answer == "Type 2" and rows[0].document_shows == "type1"
    assert rows[0].is_contradicted and rows[0].document_name == "Acme SOC 2 2024.pdf"
    assert rows[0].page == 3
    assert rows[1].status == "not_checked" and rows[1].note == "no SOC 2 report on file"
    assert not rows[1].is_contradicted and rows[1].document_name is None
    assert rows[2].status == "not_checked" and rows[2].note
    assert show_value(["security", "availability"]) == "security, availability"
    assert show_value(None) == "—" and show_value(False) == "no"
