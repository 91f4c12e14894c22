"""Scanned pages inside text PDFs: read with OCR when Tesseract is there, named when not."""

from __future__ import annotations

import pytest

from app.reports import ocr, pdf_text
from app.reports.extraction import extract_facts_from_pdf, facts_from_text
from app.reports.pdf_text import OcrBudget, read_pdf_text

from .scanned_pdfs import soc3_with_scanned_auditor_report

needs_tesseract = pytest.mark.skipif(
    ocr.tessdata_dir() is None, reason="Tesseract's English data is not installed"
)


@pytest.fixture(scope="module")
def scanned_soc3() -> bytes:
    return soc3_with_scanned_auditor_report()


@needs_tesseract
def test_scanned_auditor_report_page_is_read_with_ocr_and_marked(scanned_soc3):
    result = extract_facts_from_pdf(scanned_soc3)
    assert result.doc_kind == "soc_report"
    assert result.framework == "SOC 3"
    assert result.service_auditor == "Pellham & Voss LLP"
    assert result.report_date == "2025-05-12"
    assert result.opinion == "unqualified"
    assert (result.period_start, result.period_end) == ("2024-04-01", "2025-03-31")
    assert "OCR_USED" in result.warning_codes()
    assert "Page 2" in next(w.message for w in result.warnings if w.code == "OCR_USED")
    assert all(item.ocr for item in result.evidence["report_date"])
    assert not any(item.ocr for item in result.evidence["framework"])


def test_without_tesseract_the_text_pages_are_still_read_and_the_scan_is_named(
    scanned_soc3, monkeypatch
):
    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)
    text = read_pdf_text(scanned_soc3, ocr=OcrBudget(pages=10, cpu_seconds=10))
    assert text.unread_image_pages == (2,) and text.ocr_unavailable
    result = facts_from_text(text)
    warning = next(w for w in result.warnings if w.code == "SCANNED_PAGES_UNREAD")
    assert "Page 2" in warning.message and "tesseract-ocr" in warning.message
    # Cover and assertion still give the report's own facts.
    assert result.framework == "SOC 3"
    assert result.service_organization == "Sorrel Compute, Inc."
    assert (result.period_start, result.period_end) == ("2024-04-01", "2025-03-31")


def test_ocr_page_limit_leaves_the_other_scans_unread_and_says_why(scanned_soc3):
    text = read_pdf_text(scanned_soc3, ocr=OcrBudget(pages=0, cpu_seconds=10))
    assert text.unread_image_pages == (2,) and not text.ocr_pages
    result = facts_from_text(text)
    message = next(w.message for w in result.warnings if w.code == "SCANNED_PAGES_UNREAD")
    assert "OCR limit" in message


def test_whole_scanned_document_without_tesseract_says_how_to_install(monkeypatch):
    from .scanned_pdfs import build_document

    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)
    data = build_document([(True, ["Certificate of Registration"])])
    result = facts_from_text(pdf_text.read_pdf_text(data, ocr=OcrBudget(pages=5, cpu_seconds=5)))
    assert result.warning_codes()[-1] == "NEEDS_OCR"
    assert "tesseract-ocr" in result.warnings[-1].message
