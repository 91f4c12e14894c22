"""What a vendor is told about a document with scanned pages."""

from __future__ import annotations

from datetime import date

from app.reports.models import ReportFacts
from app.requests.answer_pages import facts_summary


def _facts(*codes: str) -> ReportFacts:
    return ReportFacts(
        document_id=1,
        doc_kind="soc_report",
        framework="SOC 3",
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        warnings=[{"code": code, "message": "..."} for code in codes],
    )


def test_summary_says_when_scanned_pages_were_read_by_ocr():
    assert (
        facts_summary(_facts("OCR_USED"))
        == "SOC 3, 1 Apr 2024 – 31 Mar 2025 (scanned pages read by OCR)"
    )


def test_summary_says_when_scanned_pages_were_not_read():
    assert facts_summary(_facts("SCANNED_PAGES_UNREAD")).endswith("(scanned pages not read)")


def test_summary_of_a_text_document_says_nothing_about_scans():
    assert facts_summary(_facts()) == "SOC 3, 1 Apr 2024 – 31 Mar 2025"
