"""Staff pages of one vendor that gather what lower features hold: the vendor's overview
(contacts, requests, documents) and its risk-profile intake."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.rows import id_of
from app.core.templating import templates
from app.core.versions import StaleEdit, submitted_version
from app.questionnaires.domain.vocabulary import TRUST_CENTER_TERMS
from app.questionnaires.errors import IncompleteProfile
from app.questionnaires.library import get_definition, latest_versions
from app.reports import service as reports_service
from app.requests import service as requests_service
from app.requests.answer_pages import build_sections
from app.requests.domain.answer_input import read_answers
from app.requests.models import Answer
from app.reviews.models import VendorReview
from app.reviews.tier_sets import tier_set_for
from app.vendors import service as vendors_service
from app.vendors.deps import VendorDep
from app.vendors.domain.profile import PROFILE_SLUG
from app.vendors.models import Vendor
from app.vendors.schemas import DATA_CATEGORIES, PROFILE_FLAGS

router = APIRouter(tags=["vendors"])
ReaderDep = Annotated[User, require(Permission.vendors_read)]
EditorDep = Annotated[User, require(Permission.vendors_write)]


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
        "review": session.get(VendorReview, vendor.id),
        "tier_set": tier_set_for(vendor),
        "questionnaires": [loaded.definition for loaded in latest_versions()],
        "categories": DATA_CATEGORIES,
        "flags": PROFILE_FLAGS,
        "trust_center_terms": TRUST_CENTER_TERMS,
        "errors": {},
    }
    return templates.TemplateResponse(request, "vendors/detail.html", context)


def _profile_page(
    request: Request,
    vendor: Vendor,
    answers: dict[str, object],
    errors: dict[str, str],
    status: int = 200,
    conflict: str | None = None,
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
        "version": vendors_service.vendor_version(vendor),
        "conflict": conflict,
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
            vendors_service.assess_profile_from_page(
                session,
                vendor,
                answers,
                actor=user_actor(id_of(user)),
                expected_version=submitted_version(form),
            )
        except IncompleteProfile as exc:
            errors = dict.fromkeys(exc.missing, "an answer is required")
        except StaleEdit as exc:
            return _profile_page(request, vendor, answers, {}, status=409, conflict=exc.message)
    if errors:
        return _profile_page(request, vendor, answers, errors, status=422)
    return RedirectResponse(f"/vendors/{vendor.id}?profiled=1", status_code=303)
