"""Staff pages for documents: direct upload for a vendor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.limits import UPLOAD_BODY_LIMIT
from app.reports.models import UploadChannel
from app.reports.uploads import upload_for_vendor
from app.vendors.deps import VendorDep

router = APIRouter(tags=["documents"])
UploaderDep = Annotated[User, require(Permission.reports_upload)]


@router.post(
    "/vendors/{vendor_id}/documents", name="documents.upload", max_body_size=UPLOAD_BODY_LIMIT
)
def upload(
    request: Request, session: SessionDep, user: UploaderDep, vendor: VendorDep, file: UploadFile
) -> Response:
    outcome = upload_for_vendor(
        session,
        vendor=vendor,
        source=file.file,
        filename=file.filename or "document.pdf",
        channel=UploadChannel.staff,
        user_id=user.id or 0,
        settings=request.app.state.settings,
    )
    note = "duplicate" if outcome.is_duplicate else "uploaded"
    return RedirectResponse(f"/vendors/{vendor.id}?document={note}#documents", status_code=303)
