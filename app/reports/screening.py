"""The upload policy: decide about a file before anything is kept.

Every upload is staged (encrypted, hashed), scanned for malware when a scanner is configured,
and, when it is a PDF, read in the sandbox. What comes out is a ``Screened`` file: either
accepted (with what was read and any active-content flags) or refused with a plain reason. This
runs outside any database transaction: reading a report takes seconds, and no write should wait
for it. Keeping the file or recording the refusal is the caller's next, short step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import BinaryIO

from app.core.errors import ServiceUnavailable
from app.reports.domain.facts import ExtractionResult
from app.reports.domain.upload_policy import flags_of, page_counts, refusal_reason
from app.reports.errors import ReportReadError
from app.reports.extraction import facts_from_text
from app.reports.malware import MalwareScanner
from app.reports.pdf_text import PdfText
from app.reports.sandbox import (
    DEFAULT_LIMITS,
    SandboxLimits,
    prepare_next_document,
    read_pdf_text_sandboxed,
)
from app.reports.storage import DocumentStorage, StagedFile, new_key

logger = logging.getLogger(__name__)
PDF_MAGIC = b"%PDF-"
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
XLSX_MAGIC = b"PK\x03\x04"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Refusal:
    """Why a file is not accepted: a code for the audit log and a reason for the uploader."""

    code: str
    reason: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Screened:
    """A staged upload and the policy's decision about it."""

    staged: StagedFile
    content_type: str
    flags: tuple[str, ...] = ()
    text: PdfText | None = None
    facts: ExtractionResult | None = None
    read_error: str | None = None
    refusal: Refusal | None = None
    malware: str | None = None
    # Chosen before the write, so whoever ran the write can remove the object if it failed.
    key: str = field(default_factory=new_key)

    @property
    def sha256(self) -> str:
        return self.staged.sha256


def sniff_type(head: bytes, *, allow_images: bool, allow_spreadsheets: bool = False) -> str | None:
    """Return the content type the file's first bytes show, or None when it is not accepted."""
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    if allow_spreadsheets and head.startswith(XLSX_MAGIC):
        return XLSX_TYPE  # a completed questionnaire; its workbook is read by its own reader
    if allow_images:
        for magic, content_type in IMAGE_MAGIC.items():
            if head.startswith(magic):
                return content_type
    return None


def _wrong_type_reason(size: int, *, allow_images: bool) -> str:
    if size == 0:
        return "The file is empty."
    wanted = "a PDF (or a PNG/JPEG image of a certificate)" if allow_images else "a PDF"
    return f"The file is not {wanted}."


def _read_all(source: BinaryIO) -> bytes:
    source.seek(0)
    return source.read()


def screen_upload(
    storage: DocumentStorage,
    source: BinaryIO,
    *,
    max_bytes: int,
    allow_images: bool,
    scanner: MalwareScanner | None,
    read_facts: bool,
    limits: SandboxLimits = DEFAULT_LIMITS,
    allow_spreadsheets: bool = False,
) -> Screened:
    """Stage an upload and decide about it; the staged copy is discarded if this raises.

    ``read_facts`` False leaves the facts to a background reader (the file is still read in
    the sandbox to decide). Raises UploadTooLarge (nothing staged), or ServiceUnavailable when
    the scanner or the reader cannot be used right now.
    """
    staged = storage.stage(source, max_bytes=max_bytes)
    try:
        return _decide(
            staged, source, (allow_images, allow_spreadsheets), scanner, read_facts, limits
        )
    except BaseException:
        storage.discard(staged)
        raise


def _decide(
    staged: StagedFile,
    source: BinaryIO,
    accepts: tuple[bool, bool],  # images, spreadsheets
    scanner: MalwareScanner | None,
    read_facts: bool,
    limits: SandboxLimits,
) -> Screened:
    allow_images, allow_spreadsheets = accepts
    content_type = sniff_type(
        staged.head, allow_images=allow_images, allow_spreadsheets=allow_spreadsheets
    )
    if content_type is None:
        reason = _wrong_type_reason(staged.size, allow_images=allow_images)
        return Screened(staged, "", refusal=_refusal(staged, "not_accepted_type", reason))
    data = _read_all(source)
    if scanner is not None:
        signature = scanner.scan(data)
        if signature is not None:
            refusal = _refusal(staged, "malware", refusal_reason("malware"))
            return Screened(staged, content_type, refusal=refusal, malware=signature)
    if content_type != "application/pdf":
        return Screened(staged, content_type)
    try:
        text = read_pdf_text_sandboxed(data, limits=limits, prepare_next=False)
    except ReportReadError as exc:
        if exc.kind == "reader_unavailable":
            raise ServiceUnavailable("Files cannot be read right now; please try again.") from None
        pages, limit = page_counts(str(exc))
        reason = refusal_reason(exc.kind, page_count=pages, max_pages=limit)
        refusal = _refusal(staged, exc.kind, reason)
        return Screened(staged, content_type, read_error=str(exc), refusal=refusal)
    finally:
        prepare_next_document(limits)
    refused = _refused_after_reading(text)
    if refused is not None:
        refusal = _refusal(staged, refused, refusal_reason(refused))
        return Screened(staged, content_type, text=text, refusal=refusal)
    flags = flags_of(data, javascript_actions=text.javascript_actions, attachments=text.attachments)
    facts = facts_from_text(text) if read_facts else None
    return Screened(staged, content_type, flags=flags, text=text, facts=facts)


def _refused_after_reading(text: PdfText) -> str | None:
    if text.needs_password:
        return "password"
    if text.page_count == 0:
        return "no_pages"
    return None


def _refusal(staged: StagedFile, code: str, reason: str) -> Refusal:
    return Refusal(code=code, reason=reason, sha256=staged.sha256, size=staged.size)
