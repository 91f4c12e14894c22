"""When a vendor's evidence changes: one use case for every way a document arrives.

The portal, the staff page, the API, the background reader and the demo all come here, so a
document is stored, read and used the same way wherever it came from:

1. store the file, or find the identical one the vendor already gave us (a duplicate changes
   no evidence, so nothing below runs for it; in the portal it is still attached to the
   question it was uploaded for);
2. read it now, or queue the reading when a job queue is configured;
3. pre-answer the vendor's open questionnaires from what was read, never over an answer;
4. rescore the vendor;
5. the vendor's dashboard row follows in the same flush (the ``reviews.summary`` session hook
   that every entry point installs at start-up).

Steps 3 and 4 wait while the document is still being read: the worker calls
``document_read`` when the facts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlmodel import Session

from app.audit import actors
from app.core.rows import id_of
from app.evidence.prefill import prefill_answers
from app.reports import service as reports_service
from app.reports.models import Document, ExtractionStatus, UploadChannel
from app.reports.provenance import Provenance, record_provenance
from app.reports.service import ReadingQueue, UploadOutcome
from app.reports.storage import DocumentStorage
from app.requests import answer_store
from app.requests.documents import prefill_sources
from app.requests.errors import RequestClosed
from app.requests.models import QuestionnaireRequest
from app.scoring import service as scoring_service
from app.vendors.models import Vendor


@dataclass(frozen=True)
class EvidenceStore:
    """Where documents are kept and who reads them, wired by each entry point."""

    storage: DocumentStorage
    reading_queue: ReadingQueue | None
    max_upload_bytes: int


@dataclass(frozen=True)
class Upload:
    """One file someone gave us, and who they are."""

    source: BinaryIO
    filename: str
    channel: UploadChannel
    actor: str
    uploaded_by_id: int | None = None
    allow_images: bool = True
    # Set when the file is a report the vendor publishes in its trust center.
    provenance: Provenance | None = None


@dataclass(frozen=True)
class Destination:
    """Where in a questionnaire the file was uploaded, when it came through the portal."""

    request: QuestionnaireRequest
    question_id: str
    # A file question's answer lists its files; a trust-center answer keeps its address and
    # finds its file by the provenance instead.
    attach_to_answer: bool = True


def receive_document(
    session: Session,
    store: EvidenceStore,
    upload: Upload,
    *,
    vendor: Vendor,
    today: date,
    destination: Destination | None = None,
) -> UploadOutcome:
    """Store an uploaded document for a vendor and use what it proves."""
    request = destination.request if destination is not None else None
    if request is not None and not answer_store.is_editable(request):
        raise RequestClosed("This questionnaire was submitted; files can no longer be added.")
    outcome = reports_service.upload_document(
        session,
        storage=store.storage,
        source=upload.source,
        filename=upload.filename,
        vendor_id=id_of(vendor),
        request_id=request.id if request is not None else None,
        channel=upload.channel,
        actor=upload.actor,
        max_bytes=store.max_upload_bytes,
        uploaded_by_id=upload.uploaded_by_id,
        allow_images=upload.allow_images,
        reading_queue=store.reading_queue,
    )
    if upload.provenance is not None:
        record_provenance(
            session, document=outcome.document, provenance=upload.provenance, actor=upload.actor
        )
    if destination is not None and destination.attach_to_answer:
        answer_store.attach_document(
            session,
            request=destination.request,
            question_id=destination.question_id,
            document_id=id_of(outcome.document),
            actor=upload.actor,
        )
    if not outcome.is_duplicate:
        evidence_changed(
            session,
            vendor=vendor,
            document=outcome.document,
            today=today,
            reason="document uploaded",
            actor=upload.actor,
        )
    return outcome


def document_read(session: Session, document: Document, *, today: date) -> None:
    """Use the facts of a document the background reader has just read."""
    vendor = session.get(Vendor, document.vendor_id)
    if vendor is not None:
        evidence_changed(
            session,
            vendor=vendor,
            document=document,
            today=today,
            reason="document read",
            actor=actors.WORKER,
        )


def evidence_changed(
    session: Session,
    *,
    vendor: Vendor,
    document: Document,
    today: date,
    reason: str,
    actor: str,
) -> None:
    """Pre-answer the vendor's open questionnaires and rescore it, once the facts exist."""
    if document.extraction_status is ExtractionStatus.pending:
        return  # the reader calls document_read when it is done
    use_evidence(session, vendor=vendor, today=today, reason=reason, actor=actor)


def use_evidence(session: Session, *, vendor: Vendor, today: date, reason: str, actor: str) -> None:
    """Pre-answer the vendor's open questionnaires from its documents, then rescore it."""
    profile = scoring_service.vendor_profile(vendor)
    for request in answer_store.open_requests(session, id_of(vendor)):
        prefill_answers(
            session,
            request=request,
            documents=prefill_sources(session, request),
            profile=profile,
            today=today,
            actor=actor,
        )
    scoring_service.recompute_vendor(session, vendor, as_of=today, reason=reason, actor=actor)
