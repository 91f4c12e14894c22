"""Staff pages for vendors: list, profile, contacts, requests and documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.forms import form_errors, parse_form, typed_values
from app.core.pagination import PageRequest
from app.core.rows import id_of
from app.core.templating import templates
from app.core.versions import StaleEdit, submitted_version
from app.questionnaires.domain.vocabulary import TRUST_CENTER_TERMS
from app.vendors import service as vendors_service
from app.vendors.deps import VendorDep
from app.vendors.models import InherentTier, Vendor, VendorStatus
from app.vendors.schemas import DATA_CATEGORIES, PROFILE_FLAGS, VendorForm

router = APIRouter(tags=["vendors"])
ReaderDep = Annotated[User, require(Permission.vendors_read)]
EditorDep = Annotated[User, require(Permission.vendors_write)]
VENDOR_LISTS = ("data_categories", "flags")


def _form_page(
    request: Request,
    *,
    vendor: Vendor | None,
    values: dict[str, object],
    errors: dict[str, str],
    status: int = 200,
    conflict: str | None = None,
) -> Response:
    context = {
        "vendor": vendor,
        "values": values,
        "errors": errors,
        "version": vendors_service.vendor_version(vendor) if vendor is not None else "",
        "conflict": conflict,
        "current": _values_of(vendor) if conflict and vendor is not None else {},
        "categories": DATA_CATEGORIES,
        "flags": PROFILE_FLAGS,
        "tiers": list(InherentTier),
        "statuses": list(VendorStatus),
        "trust_center_terms": TRUST_CENTER_TERMS,
    }
    return templates.TemplateResponse(request, "vendors/form.html", context, status_code=status)


def _values_of(vendor: Vendor) -> dict[str, object]:
    return {
        "name": vendor.name,
        "domain": vendor.domain,
        "aliases": "\n".join(vendor.aliases),
        "services_used": vendor.services_used,
        "data_categories": vendor.data_categories,
        "inherent_tier": vendor.inherent_tier.value if vendor.inherent_tier else "",
        "status": vendor.status.value,
        "flags": [flag for flag, on in vendor.profile.items() if on is True],
        "trust_center_url": vendor.trust_center_url or "",
        "trust_center_terms": vendor.trust_center_terms or "",
    }


@router.get("/vendors", name="vendors.list")
def vendor_list(
    request: Request,
    session: SessionDep,
    user: ReaderDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    vendors = vendors_service.list_vendors(session, page=PageRequest.of(page), search=q)
    context = {"user": user, "vendors": vendors, "q": q}
    return templates.TemplateResponse(request, "vendors/list.html", context)


@router.get("/vendors/new", name="vendors.new")
def vendor_new(request: Request) -> Response:
    return _form_page(request, vendor=None, values={"status": "onboarding"}, errors={})


@router.post("/vendors", name="vendors.create")
async def vendor_create(request: Request, session: SessionDep, user: EditorDep) -> Response:
    form = await request.form()
    try:
        data = parse_form(VendorForm, form, lists=VENDOR_LISTS)
    except ValidationError as exc:
        values = typed_values(form, lists=VENDOR_LISTS)
        return _form_page(request, vendor=None, values=values, errors=form_errors(exc), status=422)
    vendor = vendors_service.create_vendor_from_form(session, data, actor=user_actor(id_of(user)))
    return RedirectResponse(f"/vendors/{vendor.id}", status_code=303)


@router.get("/vendors/{vendor_id}/edit", name="vendors.edit")
def vendor_edit(request: Request, vendor: VendorDep) -> Response:
    return _form_page(request, vendor=vendor, values=_values_of(vendor), errors={})


@router.post("/vendors/{vendor_id}", name="vendors.update")
async def vendor_update(
    request: Request, session: SessionDep, user: EditorDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    try:
        data = parse_form(VendorForm, form, lists=VENDOR_LISTS)
    except ValidationError as exc:
        values = typed_values(form, lists=VENDOR_LISTS)
        return _form_page(
            request, vendor=vendor, values=values, errors=form_errors(exc), status=422
        )
    try:
        vendors_service.edit_vendor(
            session,
            vendor,
            data,
            actor=user_actor(id_of(user)),
            expected_version=submitted_version(form),
        )
    except StaleEdit as exc:
        typed = typed_values(form, lists=VENDOR_LISTS)
        return _form_page(
            request, vendor=vendor, values=typed, errors={}, conflict=exc.message, status=409
        )
    return RedirectResponse(f"/vendors/{vendor.id}?saved=1", status_code=303)
