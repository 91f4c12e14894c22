"""What happens to files that cannot or should not be read."""

from __future__ import annotations

import time

import pytest

from app.reports.errors import ReportReadError
from app.reports.extraction import extract_facts_from_pdf
from app.reports.sandbox import SandboxLimits

from . import fixture_pdfs
from .conftest import corpus_bytes


def test_file_without_pdf_header_is_rejected_as_not_a_pdf():
    with pytest.raises(ReportReadError, match="not a PDF"):
        extract_facts_from_pdf(b"PK\x03\x04 a zip file renamed to .pdf")


def test_truncated_pdf_is_rejected():
    data = corpus_bytes("a01.pdf")
    with pytest.raises(ReportReadError, match="truncated"):
        extract_facts_from_pdf(data[: len(data) // 2])


def test_html_behind_a_pdf_header_is_a_clean_one_line_error():
    with pytest.raises(ReportReadError, match=r"^unreadable PDF: [^\n]+$"):
        extract_facts_from_pdf(fixture_pdfs.HTML_WITH_PDF_HEADER)


def test_user_password_pdf_gives_warning_and_no_guessed_facts():
    data = fixture_pdfs.encrypt(corpus_bytes("a06.pdf"), user_password="s3cret", owner_password="o")
    result = extract_facts_from_pdf(data)
    assert result.warning_codes() == ("USER_PASSWORD",)
    assert result.doc_kind == "other"
    assert result.framework is None and result.service_organization is None


def test_owner_password_only_pdf_is_read_and_flagged():
    data = fixture_pdfs.encrypt(corpus_bytes("a06.pdf"), user_password="", owner_password="o")
    result = extract_facts_from_pdf(data)
    assert "ENCRYPTED" in result.warning_codes()
    assert (result.framework, result.report_type, result.period_end) == (
        "SOC 1",
        "type1",
        "2024-06-30",
    )


def test_image_only_pdf_needs_ocr_and_is_not_guessed():
    result = extract_facts_from_pdf(fixture_pdfs.build_image_only())
    assert result.warning_codes() == ("NEEDS_OCR",)
    assert result.doc_kind == "other" and result.evidence == {}


def test_compression_bomb_is_stopped_fast_by_the_memory_limit():
    started = time.monotonic()
    with pytest.raises(ReportReadError, match="memory limit"):
        extract_facts_from_pdf(fixture_pdfs.build_compression_bomb())
    assert time.monotonic() - started < 15


def test_reader_still_works_after_a_child_was_killed():
    with pytest.raises(ReportReadError):
        extract_facts_from_pdf(fixture_pdfs.build_compression_bomb())
    assert extract_facts_from_pdf(corpus_bytes("a11.pdf")).doc_kind == "bridge_letter"


def test_wall_clock_limit_gives_a_clean_error():
    limits = SandboxLimits(wall_seconds=0.001)
    with pytest.raises(ReportReadError, match="time limit"):
        extract_facts_from_pdf(corpus_bytes("a07.pdf"), limits=limits)


def test_oversized_upload_is_rejected_before_parsing():
    with pytest.raises(ReportReadError, match="too large"):
        extract_facts_from_pdf(corpus_bytes("a01.pdf"), limits=SandboxLimits(max_bytes=1000))


def test_stricter_memory_limit_is_applied_even_when_readers_were_started_in_advance():
    # Inflates to 160 MB: readable under the default 512 MB limit, stopped under 96 MB.
    bomb = fixture_pdfs.build_compression_bomb(expanded_bytes=160 * 1024 * 1024)
    assert extract_facts_from_pdf(bomb).warning_codes() == ("TEXT_MISSING",)
    limits = SandboxLimits(memory_bytes=96 * 1024 * 1024)
    with pytest.raises(ReportReadError, match="96 MB memory limit"):
        extract_facts_from_pdf(bomb, limits=limits)
