"""Read the facts of an uploaded PDF: sandboxed text extraction, then the pure rules."""

from __future__ import annotations

from app.reports.domain.facts import ExtractionResult, ExtractionWarning, mark_ocr_evidence
from app.reports.domain.soc_metadata import extract_facts
from app.reports.ocr import INSTALL_HINT
from app.reports.pdf_text import PdfText
from app.reports.sandbox import (
    DEFAULT_LIMITS,
    SandboxLimits,
    prepare_next_document,
    read_pdf_text_sandboxed,
)


def extract_facts_from_pdf(
    data: bytes, *, limits: SandboxLimits = DEFAULT_LIMITS
) -> ExtractionResult:
    """Read a PDF in the sandbox and return its facts; raises ReportReadError if unreadable."""
    try:
        text = read_pdf_text_sandboxed(data, limits=limits, prepare_next=False)
        return facts_from_text(text)
    finally:
        # Starting the next document's readers would compete with the rules for the CPU.
        prepare_next_document(limits)


def facts_from_text(text: PdfText) -> ExtractionResult:
    """Turn a PDF's text layer into facts, or into warnings when there is nothing to read."""
    warnings: list[ExtractionWarning] = []
    if text.needs_password:
        warnings.append(
            _warning(
                "USER_PASSWORD", "The PDF needs a password to open; upload an unprotected copy."
            )
        )
        return ExtractionResult(warnings=tuple(warnings))
    if text.is_encrypted:
        warnings.append(
            _warning(
                "ENCRYPTED",
                "The PDF is encrypted with owner restrictions; it was read without a password.",
            )
        )
    if text.needs_ocr:
        reason = (
            f"OCR is not available ({INSTALL_HINT})"
            if text.ocr_unavailable
            else "OCR found no text on them"
        )
        warnings.append(
            _warning(
                "NEEDS_OCR",
                f"The PDF has scanned images but no text layer, and {reason}.",
            )
        )
        return ExtractionResult(page_count=text.page_count, warnings=tuple(warnings))
    if not text.has_text:
        warnings.append(_warning("TEXT_MISSING", "The PDF has no readable text."))
        return ExtractionResult(page_count=text.page_count, warnings=tuple(warnings))
    if text.layout_pages:
        pages = ", ".join(str(number) for number in text.layout_pages[:10])
        warnings.append(
            _warning("LAYOUT_FALLBACK", f"Table rows were rebuilt from positions on pages {pages}.")
        )
    warnings.extend(_scanned_page_warnings(text))
    result = mark_ocr_evidence(extract_facts(list(text.pages)), text.ocr_pages)
    return result.model_copy(update={"warnings": (*warnings, *result.warnings)})


def _scanned_page_warnings(text: PdfText) -> list[ExtractionWarning]:
    warnings: list[ExtractionWarning] = []
    if text.ocr_pages:
        warnings.append(
            _warning(
                "OCR_USED",
                f"{_pages(text.ocr_pages)} had no text layer and were read with OCR; facts read "
                "there have a lower confidence.",
            )
        )
    if text.unread_image_pages:
        reason = (
            f"OCR is not available ({INSTALL_HINT})"
            if text.ocr_unavailable
            else "the OCR limit for one document was reached"
        )
        warnings.append(
            _warning(
                "SCANNED_PAGES_UNREAD",
                f"{_pages(text.unread_image_pages)} are scanned images and were not read: "
                f"{reason}. Facts printed only there are missing.",
            )
        )
    return warnings


def _pages(numbers: tuple[int, ...]) -> str:
    shown = ", ".join(str(number) for number in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"Page {shown}" if len(numbers) == 1 else f"Pages {shown}{more}"


def _warning(code: str, message: str) -> ExtractionWarning:
    return ExtractionWarning(code=code, message=message)
