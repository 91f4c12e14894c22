"""I/O boundary: PDF bytes to one text string per page, plus reading flags.

PDFium (pypdfium2) reads the text in content-stream order, which is fast and right for
ordinary pages. A page whose table cells were written column by column comes out with
its rows torn apart; such pages are re-read with pypdf's layout mode, which rebuilds
rows from glyph positions. PDFium is not thread-safe and has no decompression limits,
so this module is meant to run inside the sandbox child (see sandbox.py).
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.reports.domain.layout import rows_out_of_order
from app.reports.errors import ReportReadError
from app.reports.ocr import PageReader, page_reader

PDF_MAGIC = b"%PDF-"
MAX_PAGES = 2000
# Below this many visible characters per page a document has no usable text layer.
_MIN_CHARS_PER_PAGE = 20
_EOF_WINDOW = 4096
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class PdfText:
    """Text of every page (index 0 is page 1) and what the reader noticed."""

    pages: tuple[str, ...]
    page_count: int
    is_encrypted: bool = False
    needs_password: bool = False
    needs_ocr: bool = False
    has_text: bool = True
    layout_pages: tuple[int, ...] = ()
    peak_memory_kb: int = 0
    visible_chars: int = 0
    has_images: bool = False
    # Pages with an image but no text layer: those read by OCR, and those left unread
    # (Tesseract missing, or the per-document OCR page or time budget spent).
    ocr_pages: tuple[int, ...] = ()
    unread_image_pages: tuple[int, ...] = ()
    ocr_unavailable: bool = False
    # Active content PDFium found in the document catalogue (also inside compressed streams).
    javascript_actions: int = 0
    attachments: int = 0


def check_pdf_bytes(data: bytes) -> None:
    """Reject input that is plainly not a complete PDF file."""
    if not data.startswith(PDF_MAGIC):
        raise ReportReadError("not a PDF: the file does not start with %PDF-", "not_pdf")
    # The marker closes every complete file; a cut-off upload loses it.
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise ReportReadError("truncated PDF: the end-of-file marker is missing", "truncated")


@dataclass(frozen=True)
class OcrBudget:
    """How much OCR one reader may do: pages, seconds of processor time and of wall time."""

    pages: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = float("inf")


def read_pdf_text(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    part: int = 0,
    parts: int = 1,
    ocr: OcrBudget = OcrBudget(),
) -> PdfText:
    """Extract the text of every page of a PDF given as bytes.

    With `parts` > 1 only the pages whose index modulo `parts` equals `part` are read
    (the others are left empty), so several processes can share one document; join
    their results with `merge_parts`. Pages that hold an image but no text are read
    with OCR within the `ocr` budget.
    """
    check_pdf_bytes(data)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            return PdfText(pages=(), page_count=0, is_encrypted=True, needs_password=True)
        raise ReportReadError(f"unreadable PDF: {_pdfium_reason(error)}") from None
    try:
        result = _read_document(document, data, max_pages, range(part, len(document), parts), ocr)
    finally:
        document.close()
    return merge_parts([result]) if parts == 1 else result


def merge_parts(parts: Sequence[PdfText]) -> PdfText:
    """Join the results of reading one document in several parts."""
    first = parts[0]
    pages = [""] * first.page_count
    for part in parts:
        for index, text in enumerate(part.pages):
            pages[index] = pages[index] or text
    visible = sum(part.visible_chars for part in parts)
    has_text = visible >= _MIN_CHARS_PER_PAGE * max(1, min(first.page_count, 3))
    return PdfText(
        pages=tuple(pages),
        page_count=first.page_count,
        is_encrypted=any(part.is_encrypted for part in parts),
        needs_password=any(part.needs_password for part in parts),
        needs_ocr=not has_text and any(part.has_images for part in parts),
        has_text=has_text,
        layout_pages=tuple(sorted(n for part in parts for n in part.layout_pages)),
        peak_memory_kb=max(part.peak_memory_kb for part in parts),
        visible_chars=visible,
        has_images=any(part.has_images for part in parts),
        ocr_pages=tuple(sorted(n for part in parts for n in part.ocr_pages)),
        unread_image_pages=tuple(sorted(n for part in parts for n in part.unread_image_pages)),
        ocr_unavailable=any(part.ocr_unavailable for part in parts),
        javascript_actions=max(part.javascript_actions for part in parts),
        attachments=max(part.attachments for part in parts),
    )


def _read_document(
    document: pdfium.PdfDocument, data: bytes, max_pages: int, indexes: range, ocr: OcrBudget
) -> PdfText:
    page_count = len(document)
    if page_count > max_pages:
        raise ReportReadError(
            f"too many pages: {page_count} (the limit is {max_pages})", "too_many_pages"
        )
    pages = [""] * page_count
    for index in indexes:
        pages[index] = _page_text(document, index)
    layout_pages = tuple(i + 1 for i in indexes if rows_out_of_order(pages[i]))
    if layout_pages:
        for number, text in zip(layout_pages, _layout_texts(data, layout_pages), strict=True):
            pages[number - 1] = text or pages[number - 1]
    scanned = [
        i
        for i in indexes
        if _visible_chars(pages[i]) < _MIN_CHARS_PER_PAGE and _page_has_image(document, i)
    ]
    read, unavailable = _ocr_pages(document, scanned, pages, ocr) if scanned else ((), False)
    visible = sum(_visible_chars(pages[i]) for i in indexes)
    sparse = visible < _MIN_CHARS_PER_PAGE * max(1, len(indexes))
    return PdfText(
        pages=tuple(pages),
        page_count=page_count,
        is_encrypted=pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1,
        layout_pages=layout_pages,
        visible_chars=visible,
        has_images=bool(scanned) or (sparse and _has_images(document, indexes)),
        ocr_pages=tuple(i + 1 for i in read),
        unread_image_pages=tuple(i + 1 for i in scanned if i not in read),
        ocr_unavailable=unavailable,
        javascript_actions=max(0, pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw)),
        attachments=max(0, pdfium_c.FPDFDoc_GetAttachmentCount(document.raw)),
    )


def _ocr_pages(
    document: pdfium.PdfDocument, indexes: list[int], pages: list[str], budget: OcrBudget
) -> tuple[tuple[int, ...], bool]:
    """OCR image-only pages in order until the budget is spent; (pages read, OCR missing)."""
    if budget.pages <= 0:
        return (), False
    done: list[int] = []
    started, clock = time.process_time(), time.monotonic()
    with page_reader() as reader:
        if reader is None:
            return (), True
        for index in indexes[: budget.pages]:
            # On a busy machine the document's wall-clock limit must still hold: unread
            # scans are named in a warning, a timed-out document loses everything.
            spent = time.process_time() - started, time.monotonic() - clock
            if spent[0] > budget.cpu_seconds or spent[1] > budget.wall_seconds:
                break
            text = _ocr_page(reader, document, index)
            if text.strip():
                pages[index] = text
                done.append(index)
    return tuple(done), False


def _ocr_page(reader: PageReader, document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        return clean_text(reader.read(page))
    finally:
        page.close()


def _page_has_image(document: pdfium.PdfDocument, index: int) -> bool:
    page = document[index]
    try:
        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    finally:
        page.close()


def _visible_chars(text: str) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t")


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    return clean_text(text)


def clean_text(text: str) -> str:
    """Normalise line ends and drop control characters from extracted text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text.replace("\xa0", " ").replace("\u00ad", ""))


def _has_images(document: pdfium.PdfDocument, indexes: range) -> bool:
    for index in indexes[:20]:
        page = document[index]
        try:
            if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])):
                return True
        finally:
            page.close()
    return False


def _layout_texts(data: bytes, page_numbers: tuple[int, ...]) -> list[str]:
    """Re-read the given pages with pypdf's layout mode, which keeps table rows together."""
    import pypdf  # Imported lazily: only pages with torn rows need it.

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        return [
            clean_text(reader.pages[number - 1].extract_text(extraction_mode="layout"))
            for number in page_numbers
        ]
    except (pypdf.errors.PyPdfError, ValueError, KeyError, IndexError):
        # The PDFium text is still usable; layout mode is only an improvement.
        return ["" for _ in page_numbers]


def _pdfium_reason(error: pdfium.PdfiumError) -> str:
    reasons = {
        pdfium_c.FPDF_ERR_FORMAT: "the file is damaged or not a PDF",
        pdfium_c.FPDF_ERR_FILE: "the file could not be read",
        pdfium_c.FPDF_ERR_SECURITY: "unsupported security handler",
    }
    return reasons.get(error.err_code or -1, "the file is damaged or not a PDF")
