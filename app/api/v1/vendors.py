"""Vendors and their contacts: list with the dashboard's filters, create, read, update."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.concurrency import GuardedChange, etag_of, with_etag
from app.api.deps import (
    IdempotencyDep,
    IfMatchHeader,
    PageDep,
    api_user,
    page_of,
    require_json,
    v1_router,
)
from app.api.idempotency import Created
from app.api.schemas import CREATE_ERRORS, ETAG_HEADER, UPDATE_ERRORS, Page
from app.api.v1.loaders import LockedVendorDep, VendorDep
from app.api.v1.vendor_schemas import (
    ContactIn,
    ContactOut,
    SortKey,
    VendorIn,
    VendorOut,
    VendorPatch,
    VendorSummary,
)
from app.audit.actors import user_actor
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow
from app.core.rows import id_of
from app.reviews import service as reviews_service
from app.reviews.schemas import Band, DashboardFilters, RequestFilter
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier, Vendor
from app.vendors.schemas import ContactForm

router = v1_router("vendors")
ReaderDep = Annotated[User, api_user(Permission.vendors_read)]
WriterDep = Annotated[User, api_user(Permission.vendors_write)]


def guard_vendor(
    vendor: LockedVendorDep, response: Response, if_match: IfMatchHeader = None
) -> GuardedChange[Vendor, VendorOut]:
    """Return the vendor in the path, locked, to change only from the ETag the client read."""
    return GuardedChange(vendor, VendorOut.of, if_match, response)


VendorChangeDep = Annotated[GuardedChange[Vendor, VendorOut], Depends(guard_vendor)]


def dashboard_filters(
    q: Annotated[str, Query(max_length=200, description="Part of the vendor's name.")] = "",
    band: Annotated[Band, Query()] = "",
    tier: Annotated[InherentTier | Literal[""], Query()] = "",
    status: Annotated[RequestFilter, Query(description="Latest request's status.")] = "",
    currency: Annotated[Literal["", "expiring", "lapsed", "none"], Query()] = "",
    has_contradictions: bool = False,
    no_decision: bool = False,
    overdue_remediation: Annotated[
        bool, Query(description="Only vendors with a remediation item past its due date.")
    ] = False,
    missing_requirements: Annotated[
        bool, Query(description="Only vendors lacking something their tier requires.")
    ] = False,
    sort: SortKey = "name",
) -> DashboardFilters:
    """Read the dashboard's filters from the query string."""
    return DashboardFilters(
        q=q,
        band=band,
        tier=tier,
        status=status,
        currency=currency,
        contradictions=has_contradictions,
        no_decision=no_decision,
        overdue_remediation=overdue_remediation,
        missing=missing_requirements,
        sort=sort,
    )


@router.get("/vendors", name="api.vendors.list")
def list_vendors(
    request: Request,
    session: SessionDep,
    _user: ReaderDep,
    paging: PageDep,
    filters: Annotated[DashboardFilters, Depends(dashboard_filters)],
    expiring_within_days: Annotated[
        int | None, Query(ge=0, le=3650, description="Current report lapses within N days.")
    ] = None,
) -> Page[VendorSummary]:
    """List vendors with their review summary, filtered like the dashboard."""
    found = reviews_service.filtered_dashboard(
        session,
        filters=filters,
        page=paging,
        today=utcnow().date(),
        expiring_within_days=expiring_within_days,
    )
    items = [VendorSummary.of(row) for row in found.items]
    return page_of(request, items, found.total, paging)


@router.post(
    "/vendors",
    name="api.vendors.create",
    status_code=201,
    response_model=VendorOut,
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def create_vendor(
    body: VendorIn, session: SessionDep, user: WriterDep, idempotency: IdempotencyDep
) -> JSONResponse:
    """Create a vendor."""

    def create() -> Created:
        vendor = vendors_service.create_vendor_from_form(
            session, body.form(), actor=user_actor(id_of(user))
        )
        view = VendorOut.of(vendor)
        headers = {"Location": f"/api/v1/vendors/{vendor.id}", "ETag": etag_of(view)}
        return Created(view, headers=headers)

    return idempotency.run(body.model_dump_json().encode(), create)


@router.get(
    "/vendors/{vendor_id}", name="api.vendors.get", responses={200: {"headers": ETAG_HEADER}}
)
def get_vendor(vendor: VendorDep, _user: ReaderDep, response: Response) -> VendorOut:
    """Read a vendor; the ETag header guards a later update."""
    return with_etag(VendorOut.of(vendor), response)


@router.patch(
    "/vendors/{vendor_id}",
    name="api.vendors.update",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def update_vendor(
    body: VendorPatch, session: SessionDep, user: WriterDep, guarded: VendorChangeDep
) -> VendorOut:
    """Change some fields of a vendor; If-Match must carry the ETag of your last read."""
    return guarded.apply(
        lambda vendor: vendors_service.update_vendor(
            session, vendor, body.applied_to(vendor), actor=user_actor(id_of(user))
        )
    )


@router.get("/vendors/{vendor_id}/contacts", name="api.contacts.list")
def list_contacts(
    request: Request, session: SessionDep, _user: ReaderDep, vendor: VendorDep, paging: PageDep
) -> Page[ContactOut]:
    """List a vendor's contacts, primary contact first."""
    contacts = vendors_service.list_contacts(session, vendor_id=id_of(vendor))
    window = contacts[paging.offset : paging.offset + paging.size]
    return page_of(request, [ContactOut.of(c) for c in window], len(contacts), paging)


@router.post(
    "/vendors/{vendor_id}/contacts",
    name="api.contacts.create",
    status_code=201,
    response_model=ContactOut,
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def create_contact(
    body: ContactIn,
    session: SessionDep,
    user: WriterDep,
    vendor: VendorDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Add a contact; a new primary contact replaces the old one."""

    def create() -> Created:
        form = ContactForm.model_validate(body.model_dump())
        contact = vendors_service.add_contact_from_form(
            session, vendor, form, actor=user_actor(id_of(user))
        )
        return Created(ContactOut.of(contact))

    return idempotency.run(body.model_dump_json().encode(), create)
