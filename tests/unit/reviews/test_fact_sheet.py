"""Which facts each kind of document carries, its summary line, and quotes cut between words."""

from __future__ import annotations

from datetime import date

import pytest

from app.reports.domain.voting import snippet
from app.reviews.domain.fact_sheet import (
    applicable_fields,
    fact_label,
    quote_excerpt,
    summarise_document,
)


@pytest.mark.parametrize(
    ("kind", "framework", "report_type", "absent", "present"),
    [
        ("soc_report", "SOC 2", "type2", {"certificate_expiry", "bridge_through"}, {"exceptions_count"}),
        ("soc_report", "SOC 3", None, {"report_type", "exceptions_count", "certificate_expiry"}, {"opinion"}),
        ("soc_report", "SOC 2", "type1", {"period_start", "exceptions_count"}, {"period_end"}),
        ("soc_report", "SOC 1", "type2", {"trust_services_criteria"}, {"exceptions_count"}),
        ("iso_certificate", None, None, {"opinion", "period_start", "exceptions_count"}, {"certificate_expiry"}),
        ("bridge_letter", "SOC 2", None, {"opinion", "service_auditor"}, {"bridge_through"}),
        ("other", None, None, {"framework", "opinion"}, set()),
    ],
)  # fmt: skip
def test_each_kind_carries_only_its_own_facts(kind, framework, report_type, absent, present):
    fields = set(applicable_fields(kind, framework, report_type))
    assert not fields & absent
    assert present <= fields


def test_a_certificate_names_its_issuer_as_a_certification_body():
    assert fact_label("service_auditor", "iso_certificate") == "Certification body"
    assert fact_label("service_auditor", "soc_report") == "Service auditor"


def test_a_soc3_summary_says_exceptions_do_not_apply_and_when_it_stops_being_current():
    facts = {
        "framework": "SOC 3",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "service_auditor": "Halvorsen & Pike LLP",
        "opinion": "unqualified",
        "exceptions_count": 0,
    }
    line = summarise_document("soc_report", facts, uploaded_as="soc3_report")
    assert line.kind == "SOC 3" and line.exceptions is None
    assert line.period == "2025-01-01 to 2025-12-31"
    assert line.until == date(2026, 12, 31) and line.until_label == "current until"
    assert line.has_lapsed(date(2027, 1, 1)) and not line.has_lapsed(date(2026, 12, 31))


def test_a_type1_report_is_as_of_a_date_and_a_bridge_letter_is_not_audited():
    type1 = summarise_document(
        "soc_report",
        {"framework": "SOC 2", "report_type": "type1", "period_end": "2025-06-30"},
        uploaded_as="soc2_report",
    )
    assert type1.period == "as of 2025-06-30" and type1.kind == "SOC 2 Type 1"
    letter = summarise_document(
        "bridge_letter",
        {"period_end": "2025-06-30", "bridge_through": "2025-09-30"},
        uploaded_as="bridge_letter",
    )
    assert letter.auditor == "management (not audited)" and letter.opinion is None
    assert letter.until == date(2025, 9, 30) and letter.until_label == "covers through"


def test_a_soc2_type2_summary_counts_its_exceptions():
    facts = {"framework": "SOC 2", "report_type": "type2", "exceptions_count": 3}
    line = summarise_document("soc_report", facts, uploaded_as="soc2_report")
    assert line.kind == "SOC 2 Type 2" and line.exceptions == 3


def test_a_long_quote_is_shortened_between_words():
    quote = "The controls were suitably designed " * 10
    short = quote_excerpt(quote, limit=60)
    assert short.endswith("…") and len(short) <= 61
    assert short[:-1].split()[-1] in quote.split()


def test_a_quote_as_long_as_the_stored_limit_loses_its_cut_last_word():
    stored = "word " * 31 + "Decem"  # cut by the reader at 160 characters
    assert len(stored) == 160
    assert quote_excerpt(stored, limit=160).endswith("word…")


def test_a_short_quote_is_shown_whole():
    assert quote_excerpt("January 1, 2025 to December 31, 2025") == (
        "January 1, 2025 to December 31, 2025"
    )


def test_a_quote_read_from_a_report_ends_between_words():
    text = "for the period January 1, 2025 to December 31, 2025 and the suitability of controls"
    start = text.index("January")
    end = text.index(", 2025 and") + 6
    quote = snippet(text, start, end, context=14)
    assert quote.endswith("December 31, 2025 and the")  # not "... and the suitab"
    assert set(quote.split()) <= set(text.split())
    assert text.endswith(snippet(text, start, end, context=200))
