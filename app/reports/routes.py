"""Staff pages for documents: direct upload for a vendor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow
from app.core.limits import UPLOAD_BODY_LIMIT
from app.jobs.queue import get_job_queue
from app.reports import service as reports_service
from app.reports.models import UploadChannel
from app.reports.storage import get_storage
from app.scoring import service as scoring_service
from app.vendors.deps import VendorDep

router = APIRouter(tags=["documents"])
UploaderDep = Annotated[User, require(Permission.reports_upload)]


@router.post(
    "/vendors/{vendor_id}/documents", name="documents.upload", max_body_size=UPLOAD_BODY_LIMIT
)
def upload(
    request: Request, session: SessionDep, user: UploaderDep, vendor: VendorDep, file: UploadFile
) -> Response:
    settings = request.app.state.settings
    outcome = reports_service.upload_document(
        session,
        storage=get_storage(settings),
        source=file.file,
        filename=file.filename or "document.pdf",
        vendor_id=vendor.id or 0,
        request_id=None,
        channel=UploadChannel.staff,
        actor=f"user:{user.id}",
        uploaded_by_id=user.id,
        max_bytes=settings.max_upload_bytes,
        allow_images=True,
        reading_queue=get_job_queue(settings),
    )
    if not outcome.is_duplicate:
        scoring_service.recompute_vendor(
            session,
            vendor,
            as_of=utcnow().date(),
            reason="document uploaded",
            actor=f"user:{user.id}",
        )
    note = "duplicate" if outcome.is_duplicate else "uploaded"
    return RedirectResponse(f"/vendors/{vendor.id}?document={note}#documents", status_code=303)
