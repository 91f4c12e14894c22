"""Staff and API uploads: a document for a vendor, read, and the vendor rescored."""

from __future__ import annotations

from typing import BinaryIO

from sqlmodel import Session

from app.core.config import Settings
from app.core.db import utcnow
from app.jobs.queue import get_job_queue
from app.reports import service as reports_service
from app.reports.models import UploadChannel
from app.reports.storage import get_storage
from app.scoring import service as scoring_service
from app.vendors.models import Vendor


def upload_for_vendor(
    session: Session,
    *,
    vendor: Vendor,
    source: BinaryIO,
    filename: str,
    channel: UploadChannel,
    user_id: int,
    settings: Settings,
) -> reports_service.UploadOutcome:
    """Store a signed-in user's upload for a vendor and rescore the vendor unless it is a copy."""
    actor = f"user:{user_id}"
    outcome = reports_service.upload_document(
        session,
        storage=get_storage(settings),
        source=source,
        filename=filename,
        vendor_id=vendor.id or 0,
        request_id=None,
        channel=channel,
        actor=actor,
        uploaded_by_id=user_id,
        max_bytes=settings.max_upload_bytes,
        allow_images=True,
        reading_queue=get_job_queue(settings),
    )
    if not outcome.is_duplicate:
        scoring_service.recompute_vendor(
            session, vendor, as_of=utcnow().date(), reason="document uploaded", actor=actor
        )
    return outcome
