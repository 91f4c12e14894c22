"""Uploading documents, reading their facts and correcting them."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO, Protocol

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.db import utcnow
from app.core.errors import InvalidInput
from app.core.rows import id_of
from app.reports import stored_objects
from app.reports.domain.facts import CORRECTABLE_FIELDS, ExtractionResult
from app.reports.domain.upload_policy import refusal_reason
from app.reports.errors import ReportReadError
from app.reports.extraction import extract_facts_from_pdf
from app.reports.malware import MalwareScanner
from app.reports.models import (
    Document,
    DocumentKind,
    ExtractionStatus,
    ReportFacts,
    UploadChannel,
)
from app.reports.screening import XLSX_TYPE, Refusal, Screened, screen_upload
from app.reports.storage import DocumentStorage, UploadTooLarge

logger = logging.getLogger(__name__)
EXTRACTOR_VERSION = "1"
_DATE_FIELDS = ("period_start", "period_end", "report_date", "bridge_through", "certificate_expiry")
_BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


class UploadRejected(InvalidInput):
    code = "upload_rejected"
    title = "The file was not accepted"


class FileTooLarge(UploadRejected):
    status_code = 413
    code = "upload_too_large"
    title = "The file is too large"


class ReadingQueue(Protocol):
    def defer_reading(self, session: Session, document_id: int) -> None:
        """Arrange for the document to be read after the session's transaction commits."""


@dataclass(frozen=True)
class UploadOutcome:
    document: Document
    facts: ReportFacts | None
    is_duplicate: bool


def safe_filename(name: str, *, default_suffix: str = ".pdf") -> str:
    """Return a display name without paths, control or bidi characters, at most 150 bytes."""
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(c for c in name if c not in _BIDI and unicodedata.category(c)[0] != "C")
    name = name.replace("/", "_").replace("\\", "_").replace(":", "_")
    name = " ".join(name.split()).lstrip(".-_ ")
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in (".pdf", ".png", ".jpg", ".jpeg", ".xlsx"):
        stem, suffix = name, default_suffix.lstrip(".")
    while len(f"{stem}.{suffix}".encode()) > 150:
        stem = stem[:-1]
    return f"{stem}.{suffix.lower()}" if stem else f"document{default_suffix}"


def kind_from_facts(result: ExtractionResult) -> DocumentKind:
    """Map what was read to the kind of document stored."""
    if result.doc_kind == "bridge_letter":
        return DocumentKind.bridge_letter
    if result.doc_kind == "iso_certificate" and "42001" in (result.standard or ""):
        return DocumentKind.iso42001_certificate
    if result.doc_kind == "iso_certificate":
        return DocumentKind.iso27001_certificate
    if result.doc_kind == "soc_report":
        return {
            "SOC 1": DocumentKind.soc1_report,
            "SOC 2": DocumentKind.soc2_report,
            "SOC 3": DocumentKind.soc3_report,
        }.get(result.framework or "", DocumentKind.other)
    return DocumentKind.other


def _to_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _facts_row(document_id: int, result: ExtractionResult) -> ReportFacts:
    data = result.as_dict()
    return ReportFacts(
        document_id=document_id,
        doc_kind=result.doc_kind,
        framework=result.framework,
        report_type=result.report_type,
        service_organization=result.service_organization,
        service_auditor=result.service_auditor,
        period_start=_to_date(result.period_start),
        period_end=_to_date(result.period_end),
        report_date=_to_date(result.report_date),
        opinion=result.opinion,
        trust_services_criteria=list(result.trust_services_criteria),
        exceptions_count=result.exceptions_count,
        subservice_organizations=list(result.subservice_organizations),
        subservice_method=result.subservice_method,
        cuecs=result.cuecs,
        bridge_through=_to_date(result.bridge_through),
        certificate_expiry=_to_date(result.certificate_expiry),
        standard=result.standard,
        **_certificate_columns(result),
        subservices=list(data["subservices"]),  # type: ignore[call-overload]
        exceptions=list(data["exceptions"]),  # type: ignore[call-overload]
        cuec_list=list(result.cuec_list),
        warnings=list(data["warnings"]),  # type: ignore[call-overload]
        evidence=dict(data["evidence"]),  # type: ignore[call-overload]
        confidence=dict(result.confidence),
        extractor_version=EXTRACTOR_VERSION,
    )


def _certificate_columns(result: ExtractionResult) -> dict[str, Any]:
    certificate = result.certificate
    if certificate is None:
        return {}
    return {
        "certificate_number": _clip(certificate.certificate_number, 120),
        "certificate_scope": certificate.scope,
        "certification_body": _clip(certificate.certification_body, 300),
        "accreditation_body": _clip(certificate.accreditation_body, 120),
        "certificate_issued": _to_date(certificate.issued),
    }


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value else value


def find_duplicate(session: Session, *, vendor_id: int, sha256: str) -> Document | None:
    """Return the vendor's document with the same content, if it was uploaded before."""
    return session.exec(
        select(Document).where(Document.vendor_id == vendor_id, Document.sha256 == sha256)
    ).first()


def screen(
    storage: DocumentStorage,
    source: BinaryIO,
    *,
    max_bytes: int,
    allow_images: bool,
    scanner: MalwareScanner | None,
    read_facts: bool,
    allow_spreadsheets: bool = False,
) -> Screened:
    """Stage an upload and apply the upload policy (no database work; takes seconds)."""
    try:
        return screen_upload(
            storage,
            source,
            max_bytes=max_bytes,
            allow_images=allow_images,
            allow_spreadsheets=allow_spreadsheets,
            scanner=scanner,
            read_facts=read_facts,
        )
    except UploadTooLarge as exc:
        raise FileTooLarge(f"The file is {exc}; the limit is {max_bytes // 2**20} MB.") from None


def upload_document(
    session: Session,
    *,
    storage: DocumentStorage,
    screened: Screened,
    filename: str,
    vendor_id: int,
    request_id: int | None,
    channel: UploadChannel,
    actor: str,
    uploaded_by_id: int | None = None,
    reading_queue: ReadingQueue | None = None,
) -> UploadOutcome | Refusal:
    """Keep a screened upload and record it, or record why it was refused.

    The row is inserted first and the object written under its random key after; a
    transaction that then rolls back removes the object again (see ``stored_objects``).
    The same file twice is recognised and kept once. With a reading queue, a PDF's facts are
    left ``pending`` and read by a background job.
    """
    if screened.refusal is not None:
        return _refuse(
            session,
            storage=storage,
            screened=screened,
            refusal=screened.refusal,
            filename=filename,
            vendor_id=vendor_id,
            request_id=request_id,
            channel=channel,
            actor=actor,
            uploaded_by_id=uploaded_by_id,
        )
    existing = find_duplicate(session, vendor_id=vendor_id, sha256=screened.sha256)
    if existing is not None:
        storage.discard(screened.staged)
        if existing.malware_signature is not None:
            refusal = Refusal(
                "malware", refusal_reason("malware"), existing.sha256, existing.size_bytes
            )
            _audit_refusal(session, refusal, vendor_id, request_id, channel, actor, filename)
            return refusal
        return UploadOutcome(existing, get_facts(session, id_of(existing)), is_duplicate=True)
    document = _keep(
        session,
        storage=storage,
        screened=screened,
        filename=filename,
        vendor_id=vendor_id,
        request_id=request_id,
        channel=channel,
        uploaded_by_id=uploaded_by_id,
    )
    facts = None
    if screened.content_type == XLSX_TYPE:
        # A completed questionnaire: its answers are read by evidence.completed, not here.
        document.extraction_status = ExtractionStatus.done
        session.add(document)
    elif screened.content_type != "application/pdf":
        document.extraction_status = ExtractionStatus.done
        document.extraction_error = "Images are not read automatically; review the certificate."
        session.add(document)
    elif screened.facts is not None:
        facts = _record_facts(session, document, screened.facts)
    elif reading_queue is not None:
        reading_queue.defer_reading(session, id_of(document))
    else:
        facts = read_document(session, document=document, storage=storage)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.document_uploaded,
        subject_type="document",
        subject_id=id_of(document),
        data={
            "sha256": document.sha256,
            "size": document.size_bytes,
            "vendor_id": vendor_id,
            "request_id": request_id,
            "kind": document.kind.value,
            "active_content": list(document.active_content),
        },
    )
    return UploadOutcome(document, facts, is_duplicate=False)


def _keep(
    session: Session,
    *,
    storage: DocumentStorage,
    screened: Screened,
    filename: str,
    vendor_id: int,
    request_id: int | None,
    channel: UploadChannel,
    uploaded_by_id: int | None,
    malware: str | None = None,
) -> Document:
    document = Document(
        vendor_id=vendor_id,
        request_id=request_id,
        filename=safe_filename(filename),
        content_type=screened.content_type or "application/octet-stream",
        size_bytes=screened.staged.size,
        sha256=screened.sha256,
        storage_key=screened.key,
        uploaded_by_id=uploaded_by_id,
        uploaded_via=channel,
        active_content=list(screened.flags),
        malware_signature=malware,
    )
    session.add(document)
    session.flush()  # the row can be written: only now does the object follow
    stored_objects.remove_if_rolled_back(session, storage, screened.key)
    storage.commit(screened.staged, screened.key)
    return document


def _refuse(
    session: Session,
    *,
    storage: DocumentStorage,
    screened: Screened,
    refusal: Refusal,
    filename: str,
    vendor_id: int,
    request_id: int | None,
    channel: UploadChannel,
    actor: str,
    uploaded_by_id: int | None,
) -> Refusal:
    if screened.malware is None:
        storage.discard(screened.staged)
        _audit_refusal(session, refusal, vendor_id, request_id, channel, actor, filename)
        return refusal
    # A match is kept, encrypted and unusable, so staff can see what was sent and act on it.
    document = _keep(
        session,
        storage=storage,
        screened=screened,
        filename=filename,
        vendor_id=vendor_id,
        request_id=request_id,
        channel=channel,
        uploaded_by_id=uploaded_by_id,
        malware=screened.malware,
    )
    document.extraction_status = ExtractionStatus.failed
    document.extraction_error = f"Quarantined: the malware scanner found {screened.malware}."
    session.add(document)
    logger.warning("upload quarantined: %s matched %s", refusal.sha256[:12], screened.malware)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.document_quarantined,
        subject_type="document",
        subject_id=id_of(document),
        data={
            "sha256": refusal.sha256,
            "size": refusal.size,
            "signature": screened.malware,
            "vendor_id": vendor_id,
            "request_id": request_id,
            "channel": channel.value,
        },
    )
    return refusal


def _audit_refusal(
    session: Session,
    refusal: Refusal,
    vendor_id: int,
    request_id: int | None,
    channel: UploadChannel,
    actor: str,
    filename: str,
) -> None:
    logger.info("upload refused (%s): %s", refusal.code, refusal.sha256[:12])
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.document_refused,
        subject_type="vendor",
        subject_id=vendor_id,
        data={
            "sha256": refusal.sha256,
            "size": refusal.size,
            "reason": refusal.code,
            "message": refusal.reason,
            "filename": safe_filename(filename),
            "request_id": request_id,
            "channel": channel.value,
        },
    )


def delete_document(
    session: Session, *, document: Document, storage: DocumentStorage, actor: str, reason: str
) -> None:
    """Delete a document and its facts; its stored object goes once no document refers to it."""
    document_id, key = id_of(document), document.storage_key
    facts = get_facts(session, document_id)
    if facts is not None:
        session.delete(facts)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.document_removed,
        subject_type="document",
        subject_id=document_id,
        data={"sha256": document.sha256, "vendor_id": document.vendor_id, "reason": reason},
    )
    session.delete(document)
    session.flush()
    still_used = session.exec(select(Document.id).where(Document.storage_key == key)).first()
    if still_used is None:
        stored_objects.delete_after_commit(session, storage, key)


def read_document(
    session: Session, *, document: Document, storage: DocumentStorage
) -> ReportFacts | None:
    """Read (or re-read) a stored document's facts; failures are recorded, never raised."""
    assert document.id is not None
    if document.content_type == XLSX_TYPE:
        # a completed questionnaire: its answers are read by evidence.completed, not here
        document.extraction_status = ExtractionStatus.done
        session.add(document)
        return None
    if document.content_type != "application/pdf":
        document.extraction_status = ExtractionStatus.done
        document.extraction_error = "Images are not read automatically; review the certificate."
        session.add(document)
        return None
    if document.malware_signature is not None:
        return None  # quarantined: never opened
    try:
        result = extract_facts_from_pdf(storage.read(document.storage_key, sha256=document.sha256))
    except ReportReadError as exc:
        document.extraction_status = ExtractionStatus.failed
        document.extraction_error = str(exc)
        session.add(document)
        logger.info("document %s could not be read: %s", document.id, exc)
        return None
    return _record_facts(session, document, result)


def _record_facts(session: Session, document: Document, result: ExtractionResult) -> ReportFacts:
    assert document.id is not None
    previous = get_facts(session, document.id)
    row = _facts_row(document.id, result)
    if previous is not None:
        row.corrections = previous.corrections
        session.delete(previous)
        session.flush()
    session.add(row)
    document.kind = kind_from_facts(result)
    document.extraction_status = ExtractionStatus.done
    document.extraction_error = None
    session.add(document)
    session.flush()
    return row


def get_facts(session: Session, document_id: int) -> ReportFacts | None:
    """Return the facts read from a document, if any."""
    return session.exec(select(ReportFacts).where(ReportFacts.document_id == document_id)).first()


def list_documents(
    session: Session, *, vendor_id: int
) -> list[tuple[Document, ReportFacts | None]]:
    """Return a vendor's documents, newest first, with their facts."""
    rows = session.exec(
        select(Document, ReportFacts)
        .outerjoin(ReportFacts, col(ReportFacts.document_id) == Document.id)
        .where(Document.vendor_id == vendor_id)
        .order_by(col(Document.uploaded_at).desc(), col(Document.id).desc())
    ).all()
    return [(document, facts) for document, facts in rows]


# The columns of ReportFacts that scoring reads.
SCORED_COLUMNS = (
    "document_id", "doc_kind", "exceptions", "cuec_list", "warnings", "evidence", "confidence",
    "standard", *CORRECTABLE_FIELDS, "corrections",
)  # fmt: skip


def effective_facts(facts: ReportFacts) -> dict[str, Any]:
    """Return the facts as scoring reads them: corrected values win over extracted ones."""
    return effective_facts_of({name: getattr(facts, name) for name in SCORED_COLUMNS})


def scoring_facts(document: Document, facts: ReportFacts) -> dict[str, Any]:
    """Return the facts scoring reads, with what someone said the document is."""
    return effective_facts(facts) | {"identity": document.identity, "filename": document.filename}


def effective_facts_of(columns: Mapping[Any, Any]) -> dict[str, Any]:
    """Return ``effective_facts`` from the SCORED_COLUMNS values of a facts row."""
    data: dict[str, Any] = {
        name: columns[name]
        for name in (
            "doc_kind", "exceptions", "cuec_list", "warnings", "evidence", "confidence", "standard"
        )
    }  # fmt: skip
    data["document_id"] = str(columns["document_id"])
    for field in CORRECTABLE_FIELDS:
        value = columns[field]
        data[field] = value.isoformat() if isinstance(value, date) else value
    data["corrections"] = {field: c["value"] for field, c in columns["corrections"].items()}
    return data


def correct_fact(
    session: Session,
    *,
    facts: ReportFacts,
    field: str,
    value: Any,
    reason: str,
    actor: str,
) -> ReportFacts:
    """Record a staff correction beside the extracted value; scoring then uses the correction."""
    if field not in CORRECTABLE_FIELDS:
        raise InvalidInput(f"'{field}' is not a fact that can be corrected.")
    if not reason.strip():
        raise InvalidInput("Say why the value is corrected.")
    if field in _DATE_FIELDS and value not in (None, ""):
        try:
            value = date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise InvalidInput("Dates are written YYYY-MM-DD.") from None
    extracted = getattr(facts, field)
    facts.corrections = {
        **facts.corrections,
        field: {"value": value, "reason": reason.strip(), "by": actor, "at": utcnow().isoformat()},
    }
    session.add(facts)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.fact_corrected,
        subject_type="document",
        subject_id=facts.document_id,
        data={
            "field": field,
            "extracted": extracted.isoformat() if isinstance(extracted, date) else extracted,
            "corrected": value,
            "reason": reason.strip(),
        },
    )
    session.flush()
    return facts
