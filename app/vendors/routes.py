"""Staff pages for vendors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.auth.deps import require_roles
from app.auth.models import Role, User
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.templating import templates
from app.vendors import service as vendors_service
from app.vendors.deps import VendorDep

router = APIRouter(tags=["vendors"])
StaffDep = Annotated[
    User, Depends(require_roles(Role.procurement, Role.risk_officer, Role.auditor))
]


@router.get("/vendors", name="vendors.list")
def vendor_list(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    vendors = vendors_service.list_vendors(session, page=PageRequest.of(page), search=q)
    context = {"user": user, "vendors": vendors, "q": q}
    return templates.TemplateResponse(request, "vendors/list.html", context)


@router.get("/vendors/{vendor_id}", name="vendors.detail")
def vendor_detail(
    request: Request, session: SessionDep, user: StaffDep, vendor: VendorDep
) -> Response:
    assert vendor.id is not None
    contacts = vendors_service.list_contacts(session, vendor_id=vendor.id)
    context = {"user": user, "vendor": vendor, "contacts": contacts}
    return templates.TemplateResponse(request, "vendors/detail.html", context)
