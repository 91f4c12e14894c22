"""Staff pages for vendors: list, profile, contacts, requests and documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.forms import form_errors, parse_form
from app.core.pagination import PageRequest
from app.core.templating import templates
from app.questionnaires.errors import IncompleteProfile
from app.questionnaires.library import get_definition, latest_versions
from app.reports import service as reports_service
from app.requests import service as requests_service
from app.requests.answer_pages import build_sections
from app.requests.domain.answer_input import read_answers
from app.requests.models import Answer
from app.vendors import service as vendors_service
from app.vendors.deps import VendorDep
from app.vendors.domain.profile import PROFILE_SLUG
from app.vendors.models import InherentTier, Vendor, VendorStatus
from app.vendors.schemas import DATA_CATEGORIES, PROFILE_FLAGS, ContactForm, VendorForm

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
) -> Response:
    context = {
        "vendor": vendor,
        "values": values,
        "errors": errors,
        "categories": DATA_CATEGORIES,
        "flags": PROFILE_FLAGS,
        "tiers": list(InherentTier),
        "statuses": list(VendorStatus),
    }
    return templates.TemplateResponse(request, "vendors/form.html", context, status_code=status)


def _values_of(vendor: Vendor) -> dict[str, object]:
    return {
        "name": vendor.name,
        "domain": vendor.domain,
        "services_used": vendor.services_used,
        "data_categories": vendor.data_categories,
        "inherent_tier": vendor.inherent_tier.value if vendor.inherent_tier else "",
        "status": vendor.status.value,
        "flags": [flag for flag, on in vendor.profile.items() if on is True],
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
        values: dict[str, object] = {
            k: form.getlist(k) if k in VENDOR_LISTS else form.get(k) for k in form
        }
        return _form_page(request, vendor=None, values=values, errors=form_errors(exc), status=422)
    vendor = vendors_service.create_vendor_from_form(session, data, actor=f"user:{user.id}")
    return RedirectResponse(f"/vendors/{vendor.id}", status_code=303)


@router.get("/vendors/{vendor_id}", name="vendors.detail")
def vendor_detail(
    request: Request, session: SessionDep, user: ReaderDep, vendor: VendorDep
) -> Response:
    assert vendor.id is not None
    context = {
        "user": user,
        "vendor": vendor,
        "contacts": vendors_service.list_contacts(session, vendor_id=vendor.id),
        "requests": requests_service.list_requests(
            session, page=PageRequest.of(1, 50), vendor_id=vendor.id
        ),
        "documents": reports_service.list_documents(session, vendor_id=vendor.id),
        "questionnaires": [loaded.definition for loaded in latest_versions()],
        "categories": DATA_CATEGORIES,
        "flags": PROFILE_FLAGS,
        "errors": {},
    }
    return templates.TemplateResponse(request, "vendors/detail.html", context)


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
        values: dict[str, object] = {
            k: form.getlist(k) if k in VENDOR_LISTS else form.get(k) for k in form
        }
        return _form_page(
            request, vendor=vendor, values=values, errors=form_errors(exc), status=422
        )
    vendors_service.update_vendor(session, vendor, data, actor=f"user:{user.id}")
    return RedirectResponse(f"/vendors/{vendor.id}?saved=1", status_code=303)


@router.post("/vendors/{vendor_id}/contacts", name="vendors.add_contact")
async def vendor_add_contact(
    request: Request, session: SessionDep, user: EditorDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    try:
        data = parse_form(ContactForm, form)
    except ValidationError as exc:
        message = "; ".join(f"{k}: {v}" for k, v in form_errors(exc).items())
        return RedirectResponse(
            f"/vendors/{vendor.id}?contact_error={message[:200]}#contacts", status_code=303
        )
    vendors_service.add_contact_from_form(session, vendor, data, actor=f"user:{user.id}")
    return RedirectResponse(f"/vendors/{vendor.id}#contacts", status_code=303)


def _profile_page(
    request: Request,
    vendor: Vendor,
    answers: dict[str, object],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    loaded = get_definition(PROFILE_SLUG)
    sections = build_sections(
        loaded.definition,
        {qid: Answer(request_id=0, question_id=qid, value=value) for qid, value in answers.items()},
        {},
    )
    context = {
        "vendor": vendor,
        "definition": loaded.definition,
        "sections": sections,
        "errors": errors,
    }
    return templates.TemplateResponse(request, "vendors/profile.html", context, status_code=status)


@router.get("/vendors/{vendor_id}/profile", name="vendors.profile_form")
def vendor_profile_form(request: Request, vendor: VendorDep) -> Response:
    intake = vendor.profile.get("intake")
    return _profile_page(request, vendor, intake if isinstance(intake, dict) else {}, {})


@router.post("/vendors/{vendor_id}/profile", name="vendors.profile_save")
async def vendor_profile_save(
    request: Request, session: SessionDep, user: EditorDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    definition = get_definition(PROFILE_SLUG).definition
    answers, errors = read_answers(definition, form.getlist)
    if not errors:
        try:
            vendors_service.assess_profile(session, vendor, answers, actor=f"user:{user.id}")
        except IncompleteProfile as exc:
            errors = dict.fromkeys(exc.missing, "an answer is required")
    if errors:
        return _profile_page(request, vendor, answers, errors, status=422)
    return RedirectResponse(f"/vendors/{vendor.id}?profiled=1", status_code=303)
