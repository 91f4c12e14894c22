"""What happens to files that cannot or should not be read."""

from __future__ import annotations

import io
import time

import pytest

from app.reports.crypto import KeyRing
from app.reports.domain.upload_policy import active_content_in
from app.reports.errors import ReportReadError
from app.reports.extraction import extract_facts_from_pdf
from app.reports.sandbox import SandboxLimits
from app.reports.screening import Screened, screen_upload
from app.reports.storage import LocalStorage

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


# The upload policy: every file is read in the sandbox before anything is kept.


def _screen(tmp_path, data: bytes, *, scanner=None) -> Screened:
    storage = LocalStorage(tmp_path / "storage", KeyRing(bytes(32)))
    return screen_upload(
        storage,
        io.BytesIO(data),
        max_bytes=50 * 2**20,
        allow_images=False,
        scanner=scanner,
        read_facts=True,
    )


REFUSED = {
    "truncated": (lambda: corpus_bytes("a01.pdf")[:20_000], "truncated", "incomplete"),
    "random after the header": (fixture_pdfs.random_after_header, "unreadable", "damaged"),
    "html behind a pdf header": (
        lambda: fixture_pdfs.HTML_WITH_PDF_HEADER,
        "unreadable",
        "damaged",
    ),
    "decompression bomb": (fixture_pdfs.build_compression_bomb, "memory", "expands"),
    "page-tree cycle": (fixture_pdfs.build_page_tree_cycle, "unreadable", "damaged"),
    "too many pages": (
        lambda: fixture_pdfs.build_many_pages(2500),
        "too_many_pages",
        "2500 pages; the limit is 2000",
    ),
    "user password": (
        lambda: fixture_pdfs.encrypt(
            corpus_bytes("a06.pdf"), user_password="s3", owner_password="o"
        ),
        "password",
        "needs a password",
    ),
    "not a pdf": (lambda: b"PK\x03\x04 a zip renamed", "not_accepted_type", "not a PDF"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_files_that_cannot_be_read_are_refused_with_a_reason_and_nothing_is_kept(tmp_path, case):
    build, code, words = REFUSED[case]
    screened = _screen(tmp_path, build())
    assert screened.refusal is not None
    assert screened.refusal.code == code
    assert words in screened.refusal.reason
    # The reason speaks to the uploader: no internal reader wording.
    assert "PDFium" not in screened.refusal.reason and "exit code" not in screened.refusal.reason
    assert list(LocalStorage(tmp_path / "storage").stored_objects()) == []


def test_an_ordinary_report_is_accepted_unflagged_with_its_facts_read_once(tmp_path):
    screened = _screen(tmp_path, corpus_bytes("a01.pdf"))
    assert screened.refusal is None and screened.flags == ()
    assert screened.facts is not None and screened.facts.framework == "SOC 2"


def test_a_pdf_with_an_owner_password_only_is_accepted(tmp_path):
    data = fixture_pdfs.encrypt(corpus_bytes("a06.pdf"), user_password="", owner_password="o")
    assert _screen(tmp_path, data).refusal is None


def test_javascript_launch_action_and_embedded_file_are_flagged_not_refused(tmp_path):
    screened = _screen(tmp_path, fixture_pdfs.with_active_content(corpus_bytes("a01.pdf")))
    assert screened.refusal is None
    assert screened.flags == ("embedded_file", "javascript", "launch_action")
    assert screened.facts is not None and screened.facts.framework == "SOC 2"


def test_a_zip_appended_after_the_end_of_the_pdf_is_flagged(tmp_path):
    screened = _screen(tmp_path, fixture_pdfs.with_appended_zip(corpus_bytes("a01.pdf")))
    assert screened.refusal is None and screened.flags == ("trailing_data",)


def test_escaped_names_are_seen_through_and_stream_bytes_are_not_mistaken_for_names():
    assert active_content_in(b"%PDF-1.7\n<< /S /J#61vaScript /JS (x) >>\n%%EOF\n") == {"javascript"}
    noise = b"1 0 obj\n<< /Length 9 >>\nstream\n/JS /Launch\nendstream\nendobj\n%%EOF\n"
    assert active_content_in(b"%PDF-1.7\n" + noise) == frozenset()
    assert active_content_in(b"%PDF-1.7\n%%EOF\r\n\x00\x00") == frozenset()


class _Scanner:
    """Stands in for clamd: matches the EICAR test string, as every real scanner does."""

    def __init__(self) -> None:
        self.scanned = 0

    def scan(self, data: bytes) -> str | None:
        self.scanned += 1
        return "Eicar-Test-Signature" if fixture_pdfs.EICAR in data else None

    def check(self) -> str | None:
        return None


def test_a_malware_match_is_refused_and_named_for_quarantine(tmp_path):
    scanner = _Scanner()
    screened = _screen(tmp_path, fixture_pdfs.with_eicar(corpus_bytes("a01.pdf")), scanner=scanner)
    assert screened.refusal is not None and screened.refusal.code == "malware"
    assert screened.malware == "Eicar-Test-Signature"
    assert "malware scanner" in screened.refusal.reason
    assert _screen(tmp_path, corpus_bytes("a01.pdf"), scanner=scanner).refusal is None
    assert scanner.scanned == 2
