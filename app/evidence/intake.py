"""When a vendor's evidence changes: one use case for every way a document arrives.

The portal, the staff page, the API, the background reader and the demo all come here, so a
document is stored, read and used the same way wherever it came from:

1. screen the file under the upload policy before anything is kept (``screen``: staged,
   scanned for malware when a scanner is configured, read in the sandbox); a refused file
   leaves only an audit event (a malware match is kept, quarantined);
2. store the file, or find the identical one the vendor already gave us (a duplicate changes
   no evidence, so nothing below runs for it; in the portal it is still attached to the
   question it was uploaded for); its facts are what the screen read, or are read later
   when a job queue is configured;
3. pre-answer the vendor's open questionnaires from what was read, never over an answer;
4. rescore the vendor;
5. the vendor's dashboard row follows in the same flush (the ``reviews.summary`` session hook
   that every entry point installs at start-up).

Steps 3 and 4 wait while the document is still being read: the worker calls
``document_read`` when the facts exist.

Web routes call ``receive_upload``: the slow screen runs on a worker thread outside any
transaction, and only the short write goes through the single-writer path (``run_write``), so
an upload never waits for, nor blocks, answers being saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO, TypeVar

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.audit import actors
from app.core.errors import NotFound, ServiceUnavailable
from app.core.rows import id_of
from app.core.writes import run_write
from app.evidence.prefill import prefill_answers
from app.reports import service as reports_service
from app.reports.malware import MalwareScanner
from app.reports.models import Document, ExtractionStatus, UploadChannel
from app.reports.provenance import Provenance, record_provenance
from app.reports.screening import Refusal, Screened
from app.reports.service import ReadingQueue, UploadOutcome, UploadRejected
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
    scanner: MalwareScanner | None = None


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

    @classmethod
    def by_user(
        cls,
        source: BinaryIO,
        filename: str,
        *,
        user_id: int,
        channel: UploadChannel = UploadChannel.staff,
        provenance: Provenance | None = None,
    ) -> Upload:
        """Return a file a signed-in person gave, on a staff page or through the API."""
        return cls(
            source=source,
            filename=filename,
            channel=channel,
            actor=actors.user_actor(user_id),
            uploaded_by_id=user_id,
            provenance=provenance,
        )


@dataclass(frozen=True)
class Destination:
    """Where in a questionnaire the file was uploaded, when it came through the portal."""

    request_id: int
    question_id: str
    # A file question's answer lists its files; a trust-center answer keeps its address and
    # finds its file by the provenance instead.
    attach_to_answer: bool = True


class UploadRefused(UploadRejected):
    """The upload policy refused the file (the reason says what the uploader can do)."""

    code = "upload_refused"


logger = logging.getLogger(__name__)
T = TypeVar("T")


def screen(store: EvidenceStore, upload: Upload) -> Screened:
    """Stage a file and decide about it under the upload policy; no database work."""
    return reports_service.screen(
        store.storage,
        upload.source,
        max_bytes=store.max_upload_bytes,
        allow_images=upload.allow_images,
        scanner=store.scanner,
        read_facts=store.reading_queue is None,
    )


def accept(
    session: Session,
    store: EvidenceStore,
    upload: Upload,
    screened: Screened,
    *,
    vendor_id: int,
    today: date,
    destination: Destination | None = None,
) -> UploadOutcome | Refusal:
    """Keep a screened file for a vendor and use what it proves, or record why it is refused."""
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        store.storage.discard(screened.staged)
        raise NotFound("There is no such vendor.")
    request = _open_request(session, destination) if destination is not None else None
    if destination is not None and request is None:
        store.storage.discard(screened.staged)
        raise RequestClosed("This questionnaire was submitted; files can no longer be added.")
    result = reports_service.upload_document(
        session,
        storage=store.storage,
        screened=screened,
        filename=upload.filename,
        vendor_id=vendor_id,
        request_id=request.id if request is not None else None,
        channel=upload.channel,
        actor=upload.actor,
        uploaded_by_id=upload.uploaded_by_id,
        reading_queue=store.reading_queue,
    )
    if isinstance(result, Refusal):
        return result
    if upload.provenance is not None:
        record_provenance(
            session, document=result.document, provenance=upload.provenance, actor=upload.actor
        )
    if request is not None and destination is not None and destination.attach_to_answer:
        answer_store.attach_document(
            session,
            request=request,
            question_id=destination.question_id,
            document_id=id_of(result.document),
            actor=upload.actor,
        )
    if not result.is_duplicate:
        evidence_changed(
            session,
            vendor=vendor,
            document=result.document,
            today=today,
            reason="document uploaded",
            actor=upload.actor,
        )
    return result


def _open_request(session: Session, destination: Destination) -> QuestionnaireRequest | None:
    request = session.get(QuestionnaireRequest, destination.request_id)
    if request is None or not answer_store.is_editable(request):
        return None
    return request


def receive_document(
    session: Session,
    store: EvidenceStore,
    upload: Upload,
    *,
    vendor: Vendor,
    today: date,
    destination: Destination | None = None,
) -> UploadOutcome:
    """Screen, store and use a document in the caller's transaction (CLI, demo, worker).

    A refusal raises UploadRefused; its audit event stands only if the caller commits anyway.
    """
    if destination is not None and _open_request(session, destination) is None:
        raise RequestClosed("This questionnaire was submitted; files can no longer be added.")
    screened = screen(store, upload)
    result = accept(
        session, store, upload, screened, vendor_id=id_of(vendor), today=today,
        destination=destination,
    )  # fmt: skip
    if isinstance(result, Refusal):
        raise UploadRefused(result.reason)
    return result


async def receive_upload(
    app: Any,
    store: EvidenceStore,
    upload: Upload,
    *,
    vendor_id: int,
    today: date,
    destination: Destination | None = None,
) -> UploadOutcome:
    """Screen a web upload off the event loop, then keep it through the single-writer path.

    A refusal is committed (its audit event) before UploadRefused is raised.
    """

    def write(session: Session, screened: Screened) -> UploadOutcome | Refusal:
        return accept(
            session, store, upload, screened, vendor_id=vendor_id, today=today,
            destination=destination,
        )  # fmt: skip

    result = await screen_then_write(app, store, upload, write)
    if isinstance(result, Refusal):
        raise UploadRefused(result.reason)
    return result


async def screen_then_write(
    app: Any, store: EvidenceStore, upload: Upload, write: Callable[[Session, Screened], T]
) -> T:
    """Screen an upload on a worker thread, then run ``write`` through the single-writer path.

    When the write fails its stored object is removed; a crash in between leaves one that the
    storage sweep finds.
    """
    screened = await run_in_threadpool(screen, store, upload)
    try:
        return await run_write(app, lambda session: write(session, screened))
    except Exception:
        await run_in_threadpool(_remove_unkept, store.storage, screened)
        raise


def _remove_unkept(storage: DocumentStorage, screened: Screened) -> None:
    storage.discard(screened.staged)
    try:
        storage.delete(screened.key)
    except (OSError, ServiceUnavailable) as exc:  # the storage sweep removes it later
        logger.warning("stored object %s could not be removed: %s", screened.key[:12], exc)


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
