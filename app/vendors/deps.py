"""Load-or-404 dependencies for vendor routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.db import SessionDep
from app.core.errors import NotFound
from app.vendors import service as vendors_service
from app.vendors.models import Vendor


def load_vendor(vendor_id: int, session: SessionDep) -> Vendor:
    """Return the vendor in the path or answer 404."""
    vendor = vendors_service.get_vendor(session, vendor_id)
    if vendor is None:
        raise NotFound(f"There is no vendor with id {vendor_id}.")
    return vendor


VendorDep = Annotated[Vendor, Depends(load_vendor)]
