"""Load-or-404 dependencies for API paths; ids are bounded so no database is asked for 10^30."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.core.db import SessionDep
from app.core.errors import NotFound
from app.reports.models import Document
from app.requests import service as requests_service
from app.requests.models import QuestionnaireRequest
from app.reviews import documents
from app.vendors import service as vendors_service
from app.vendors.models import Vendor

MAX_ID = 2**31 - 1
VendorId = Annotated[int, Path(ge=1, le=MAX_ID)]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID)]
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def load_vendor(vendor_id: VendorId, session: SessionDep) -> Vendor:
    """Return the vendor in the path or answer 404."""
    vendor = vendors_service.get_vendor(session, vendor_id)
    if vendor is None:
        raise NotFound(f"There is no vendor with id {vendor_id}.")
    return vendor


def lock_vendor(vendor_id: VendorId, session: SessionDep) -> Vendor:
    """Return the vendor in the path, locked for an update, or answer 404."""
    vendor = vendors_service.get_vendor_for_update(session, vendor_id)
    if vendor is None:
        raise NotFound(f"There is no vendor with id {vendor_id}.")
    return vendor


def load_request(request_id: RequestId, session: SessionDep) -> QuestionnaireRequest:
    """Return the request in the path or answer 404."""
    return requests_service.get_request(session, request_id)


def lock_request(request_id: RequestId, session: SessionDep) -> QuestionnaireRequest:
    """Return the request in the path, locked for an update, or answer 404."""
    return requests_service.get_request_for_update(session, request_id)


def load_document(document_id: DocumentId, session: SessionDep) -> Document:
    """Return the document in the path or answer 404."""
    return documents.get_document(session, document_id)


VendorDep = Annotated[Vendor, Depends(load_vendor)]
LockedVendorDep = Annotated[Vendor, Depends(lock_vendor)]
RequestDep = Annotated[QuestionnaireRequest, Depends(load_request)]
LockedRequestDep = Annotated[QuestionnaireRequest, Depends(lock_request)]
DocumentDep = Annotated[Document, Depends(load_document)]
