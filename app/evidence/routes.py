"""Staff pages for completed questionnaires (CAIQ, HECVAT) a vendor sent outside the portal.

A document upload re-renders the vendor's page when refused, so it lives with that page
(``app.reviews.vendor_pages``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep
from app.core.limits import UPLOAD_BODY_LIMIT
from app.core.rows import id_of
from app.core.templating import templates
from app.evidence import completed
from app.evidence.deps import EvidenceStoreDep
from app.evidence.intake import Upload
from app.vendors.deps import VendorDep
from app.vendors.models import Vendor

router = APIRouter(tags=["documents"])
UploaderDep = Annotated[User, require(Permission.reports_upload)]
ReaderDep = Annotated[User, require(Permission.reports_read)]


@router.post(
    "/vendors/{vendor_id}/completed-questionnaires",
    name="documents.upload_completed",
    max_body_size=UPLOAD_BODY_LIMIT,
)
def upload_completed(
    request: Request,
    session: SessionDep,
    store: EvidenceStoreDep,
    user: UploaderDep,
    vendor: VendorDep,
    file: UploadFile | None = None,
) -> Response:
    if file is None or not file.filename:
        return _completed_page(request, session, user, vendor, refusal="Choose a file to upload.")
    upload = Upload.by_user(file.file, file.filename, user_id=id_of(user))
    try:
        outcome = completed.receive_completed_questionnaire(session, store, upload, vendor=vendor)
    except completed.NotACompletedQuestionnaire as exc:
        # Said beside the file field; a refusal's audit event is kept.
        return _completed_page(request, session, user, vendor, refusal=exc.message)
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
    return _completed_page(request, session, user, vendor, query=q)


def _completed_page(
    request: Request,
    session: Session,
    user: User,
    vendor: Vendor,
    *,
    query: str = "",
    refusal: str = "",
) -> Response:
    """Render the vendor's completed questionnaires; a refused upload is said beside its field."""
    context = {
        "user": user,
        "vendor": vendor,
        "query": query,
        "found": completed.search_answers(session, id_of(vendor), query),
        "can_upload": can(user.role, Permission.reports_upload),
        "upload_errors": {"file": refusal} if refusal else {},
    }
    template = "vendors/completed_questionnaires.html"
    return templates.TemplateResponse(
        request, template, context, status_code=422 if refusal else 200
    )
