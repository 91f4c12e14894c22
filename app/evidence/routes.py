"""Staff pages for documents: a direct upload for a vendor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep, utcnow, writes_through_queue
from app.core.limits import UPLOAD_BODY_LIMIT
from app.core.rows import id_of
from app.core.templating import templates
from app.evidence import completed
from app.evidence.deps import EvidenceStoreDep
from app.evidence.intake import Upload, receive_upload
from app.reports.models import UploadChannel
from app.reports.provenance import provenance_from_form
from app.vendors.deps import VendorDep

router = APIRouter(tags=["documents"])
UploaderDep = Annotated[User, require(Permission.reports_upload)]
ReaderDep = Annotated[User, require(Permission.reports_read)]


@router.post(
    "/vendors/{vendor_id}/documents", name="documents.upload", max_body_size=UPLOAD_BODY_LIMIT
)
@writes_through_queue
async def upload(
    request: Request,
    session: SessionDep,
    store: EvidenceStoreDep,
    user: UploaderDep,
    vendor: VendorDep,
    file: UploadFile,
    source_url: Annotated[str, Form(max_length=2000)] = "",
    source_terms: Annotated[str, Form(max_length=32)] = "",
    # Read as typed: a malformed date is refused with the other reasons an upload is refused.
    source_obtained_on: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    session.commit()  # end the request's read (and a sign-in touch) before the write queue
    today = utcnow().date()
    upload = Upload(
        source=file.file,
        filename=file.filename or "document.pdf",
        channel=UploadChannel.staff,
        actor=user_actor(id_of(user)),
        uploaded_by_id=id_of(user),
        provenance=provenance_from_form(
            url=source_url, terms=source_terms, obtained_on=source_obtained_on, today=today
        ),
    )
    outcome = await receive_upload(request.app, store, upload, vendor_id=id_of(vendor), today=today)
    note = "duplicate" if outcome.is_duplicate else "uploaded"
    return RedirectResponse(f"/vendors/{vendor.id}?document={note}#documents", status_code=303)


@router.post(
    "/vendors/{vendor_id}/completed-questionnaires",
    name="documents.upload_completed",
    max_body_size=UPLOAD_BODY_LIMIT,
)
def upload_completed(
    session: SessionDep,
    store: EvidenceStoreDep,
    user: UploaderDep,
    vendor: VendorDep,
    file: UploadFile,
) -> Response:
    upload = Upload(
        source=file.file,
        filename=file.filename or "questionnaire.xlsx",
        channel=UploadChannel.staff,
        actor=user_actor(id_of(user)),
        uploaded_by_id=id_of(user),
    )
    outcome = completed.receive_completed_questionnaire(session, store, upload, vendor=vendor)
    filled = len(outcome.prefilled)
    target = f"/vendors/{vendor.id}/completed-questionnaires?prefilled={filled}"
    return RedirectResponse(target, status_code=303)


@router.get("/vendors/{vendor_id}/completed-questionnaires", name="documents.completed_answers")
def completed_answers(
    request: Request,
    session: SessionDep,
    user: ReaderDep,
    vendor: VendorDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    context = {
        "user": user,
        "vendor": vendor,
        "query": q,
        "found": completed.search_answers(session, id_of(vendor), q),
        "can_upload": can(user.role, Permission.reports_upload),
    }
    return templates.TemplateResponse(request, "vendors/completed_questionnaires.html", context)
