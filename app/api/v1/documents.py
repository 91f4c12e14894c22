"""Documents: upload, list, read facts, correct facts, download (audit-logged)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Annotated, BinaryIO
from urllib.parse import quote

from fastapi import Depends, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import (
    IdempotencyDep,
    PageDep,
    api_user,
    page_of,
    require_json,
    require_multipart,
    v1_router,
)
from app.api.idempotency import Created
from app.api.schemas import ACTION_ERRORS, CREATE_ERRORS, Page
from app.api.v1.document_schemas import (
    AcknowledgementOut,
    CorrectionIn,
    DocumentOut,
    FactsOut,
    UploadOut,
)
from app.api.v1.loaders import DocumentDep, VendorDep
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow, writes, writes_through_queue
from app.core.deps import SettingsDep
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.limits import UPLOAD_BODY_LIMIT
from app.core.rows import id_of
from app.core.security import ATTACHMENT_CSP
from app.core.versions import ANY_VERSION
from app.evidence import intake
from app.evidence.deps import EvidenceStoreDep
from app.evidence.intake import Upload, UploadRefused
from app.reports import service as reports_service
from app.reports.deps import document_storage
from app.reports.models import Document, UploadChannel
from app.reports.screening import Refusal, Screened
from app.reports.service import UploadOutcome
from app.reviews import documents, vendor_review

router = v1_router("documents")
UploaderDep = Annotated[User, api_user(Permission.reports_upload)]
ReaderDep = Annotated[User, api_user(Permission.reports_read)]
ViewerDep = Annotated[User, api_user(Permission.reports_download)]
ScorerDep = Annotated[User, api_user(Permission.scores_write)]
_CHUNK = 1024 * 1024
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class AcknowledgementRequired(PermissionDenied):
    code = "acknowledgement_required"


class IntegrityFailed(Conflict):
    code = "integrity_check_failed"


def _fingerprint(source: BinaryIO, filename: str) -> bytes:
    digest = hashlib.sha256(filename.encode())
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest().encode()


@router.post(
    "/vendors/{vendor_id}/documents",
    name="api.documents.upload",
    status_code=201,
    response_model=UploadOut,
    responses={**CREATE_ERRORS, 200: {"model": UploadOut, "description": "A duplicate."}},
    dependencies=[Depends(require_multipart)],
    max_body_size=UPLOAD_BODY_LIMIT,
)
@writes_through_queue
async def upload_document(
    request: Request,
    session: SessionDep,
    evidence: EvidenceStoreDep,
    user: UploaderDep,
    vendor: VendorDep,
    file: UploadFile,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Upload a SOC report, bridge letter or certificate (PDF, PNG or JPEG); facts are read.

    The file is read before it is kept: one that cannot be read (damaged, truncated, a
    password needed, over the page or memory limits) is refused with 422 and a reason.
    """
    filename = (file.filename or "document.pdf")[:255]
    upload = Upload.by_user(file.file, filename, user_id=id_of(user), channel=UploadChannel.api)
    session.commit()  # end the request's read before the write queue
    fingerprint = await run_in_threadpool(_fingerprint, file.file, filename)
    vendor_id = id_of(vendor)

    def keep(write_session: Session, screened: Screened) -> JSONResponse | Refusal:
        def accept() -> UploadOutcome | Refusal:
            return intake.accept(
                write_session, evidence, upload, screened, vendor_id=vendor_id,
                today=utcnow().date(),
            )  # fmt: skip

        if screened.refusal is not None:
            refused = accept()  # recorded, and never replayed as a success
            assert isinstance(refused, Refusal)
            return refused

        def store() -> Created:
            outcome = accept()
            if isinstance(outcome, Refusal):
                raise UploadRefused(outcome.reason)
            view = UploadOut(
                document=DocumentOut.of(outcome.document), is_duplicate=outcome.is_duplicate
            )
            return Created(view, status_code=200 if outcome.is_duplicate else 201)

        return replace(idempotency, session=write_session).run(fingerprint, store)

    answer = await intake.screen_then_write(request.app, evidence, upload, keep)
    if isinstance(answer, Refusal):
        raise UploadRefused(answer.reason)
    return answer


@router.get("/vendors/{vendor_id}/documents", name="api.documents.list")
def list_documents(
    request: Request, session: SessionDep, _user: ReaderDep, vendor: VendorDep, paging: PageDep
) -> Page[DocumentOut]:
    """List a vendor's documents, newest first."""
    rows = reports_service.list_documents(session, vendor_id=id_of(vendor))
    window = rows[paging.offset : paging.offset + paging.size]
    return page_of(request, [DocumentOut.of(d) for d, _ in window], len(rows), paging)


@router.get("/documents/{document_id}", name="api.documents.get")
def get_document(document: DocumentDep, _user: ReaderDep) -> DocumentOut:
    """Read a document's metadata."""
    return DocumentOut.of(document)


def _facts_of(session: SessionDep, document: Document) -> FactsOut:
    facts = reports_service.get_facts(session, id_of(document))
    if facts is None:
        raise NotFound("Nothing was read from this document.")
    return FactsOut.of(facts)


@router.get("/documents/{document_id}/facts", name="api.documents.facts")
def get_facts(session: SessionDep, _user: ReaderDep, document: DocumentDep) -> FactsOut:
    """Read the facts read from a document, with staff corrections and what scoring uses."""
    return _facts_of(session, document)


@router.post(
    "/documents/{document_id}/corrections",
    name="api.documents.correct",
    response_model=FactsOut,
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def correct_fact(
    body: CorrectionIn,
    session: SessionDep,
    user: ScorerDep,
    document: DocumentDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Correct one fact with a reason; the vendor is rescored with the corrected value."""

    def correct() -> Created:
        vendor_review.correct_fact(
            session,
            document=document,
            field_name=body.field,
            raw_value=body.value,
            reason=body.reason,
            user=user,
            today=utcnow().date(),
            expected_version=ANY_VERSION,
        )
        return Created(_facts_of(session, document), status_code=200)

    return idempotency.run(body.model_dump_json().encode(), correct)


@router.post(
    "/documents/acknowledgement",
    name="api.documents.acknowledge",
    responses=ACTION_ERRORS,
)
def acknowledge(session: SessionDep, user: ViewerDep, settings: SettingsDep) -> AcknowledgementOut:
    """Accept the restricted-use terms of SOC reports (once per user; needed to download)."""
    documents.check_viewer(user, settings)
    documents.acknowledge(session, user=user)
    return AcknowledgementOut(acknowledged=True)


@router.get(
    "/documents/{document_id}/download",
    name="api.documents.download",
    response_class=Response,
    responses={
        200: {
            "description": "The file as uploaded (audit-logged).",
            "content": {"application/pdf": _BINARY, "image/png": _BINARY, "image/jpeg": _BINARY},
        },
        **ACTION_ERRORS,
    },
)
@writes  # the download is audited
def download(
    request: Request,
    session: SessionDep,
    user: ViewerDep,
    settings: SettingsDep,
    document: DocumentDep,
) -> Response:
    """Download a confidential report; needs the viewer role and the accepted terms."""
    documents.check_viewer(user, settings)
    if not documents.has_acknowledged(session, id_of(user)):
        raise AcknowledgementRequired(
            "Accept the restricted-use terms first: POST /api/v1/documents/acknowledgement."
        )
    opened = documents.open_for_download(
        session, document=document, storage=document_storage(request), user=user
    )
    if opened.content is None:
        # Answered, not raised: the integrity alarm in the audit log must be committed.
        failure = IntegrityFailed("The stored file does not match what was uploaded; not served.")
        body = {"error": {"code": failure.code, "message": failure.message, "details": {}}}
        return JSONResponse(body, status_code=failure.status_code)
    name = reports_service.safe_filename(document.filename)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    headers = {
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        ),
        "Cache-Control": "no-store",
        "Content-Security-Policy": ATTACHMENT_CSP,
    }
    return Response(opened.content, media_type=document.content_type, headers=headers)
