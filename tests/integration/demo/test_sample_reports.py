"""The demo's documents are dated from the day they are generated."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.demo.domain.sample_reports import add_months, month_end_before
from app.demo.sample_documents import render_pdf, sample_documents
from app.reports.extraction import extract_facts_from_pdf

CURRENT_DAYS = 365
EXPIRING_SOON_DAYS = 60


def test_month_ends_stay_month_ends_and_other_days_are_clamped():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 2, 28), 1) == date(2025, 3, 31)
    assert add_months(date(2025, 1, 30), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 12, 31), -12) == date(2024, 12, 31)
    assert add_months(date(2025, 1, 1), -1) == date(2024, 12, 1)


def test_month_end_before_is_the_end_of_that_month():
    assert month_end_before(date(2026, 12, 6), 60) == date(2026, 10, 31)
    assert month_end_before(date(2026, 3, 1), 0) == date(2026, 3, 31)


def _as_date(value: object) -> object:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


def _read(today: date) -> dict[str, dict[str, object]]:
    facts = {}
    for document in sample_documents(today):
        data = render_pdf(document.pages, title=document.file_name, created=today)
        result = extract_facts_from_pdf(data)
        facts[document.file_name] = {
            name: _as_date(getattr(result, name))
            for name in (
                "doc_kind",
                "report_type",
                "opinion",
                "exceptions_count",
                "period_end",
                "report_date",
                "bridge_through",
                "certificate_expiry",
                "service_organization",
            )
        }
    return facts


@pytest.mark.parametrize("today", [date(2027, 3, 15), date(2031, 8, 2)])
def test_the_reader_finds_a_realistic_spread_on_any_day(today):
    facts = _read(today)

    def days_left(name: str) -> int:
        period_end = facts[name]["period_end"]
        assert isinstance(period_end, date)
        return (period_end + timedelta(days=CURRENT_DAYS) - today).days

    lumenary = facts["Lumenary SOC 2 Type 2 report.pdf"]
    assert lumenary["opinion"] == "unqualified" and lumenary["exceptions_count"] == 0
    assert days_left("Lumenary SOC 2 Type 2 report.pdf") > EXPIRING_SOON_DAYS
    pallas = facts["Pallas SOC 2 Type 1 report.pdf"]
    assert pallas["report_type"] == "type1" and pallas["opinion"] == "unqualified"
    assert days_left("Pallas SOC 2 Type 1 report.pdf") > EXPIRING_SOON_DAYS
    corvid = facts["Corvid SOC 2 Type 2 report.pdf"]
    assert corvid["opinion"] == "unqualified" and corvid["exceptions_count"] == 2
    assert 0 < days_left("Skyquill SOC 2 Type 2 report.pdf") <= EXPIRING_SOON_DAYS
    assert facts["Skyquill SOC 2 Type 2 report.pdf"]["opinion"] == "qualified"
    assert days_left("Amberleaf SOC 2 Type 2 report.pdf") < 0
    assert facts["Amberleaf SOC 2 Type 2 report.pdf"]["opinion"] == "adverse"
    bridge = facts["Lumenary bridge letter.pdf"]
    assert bridge["doc_kind"] == "bridge_letter"
    assert bridge["period_end"] == lumenary["period_end"]
    assert lumenary["period_end"] < bridge["bridge_through"] < today
    certificate = facts["Corvid ISO 27001 certificate.pdf"]
    assert certificate["doc_kind"] == "iso_certificate"
    assert certificate["certificate_expiry"] > today
    # Nothing is dated in the future except the certificate's expiry.
    for name, read in facts.items():
        assert read["report_date"] is None or read["report_date"] <= today, name
        assert read["service_organization"], name
