"""Staff pages of one vendor that gather what lower features hold: the vendor's overview
(contacts, requests, documents) with its add-contact, send and upload forms, and its
risk-profile intake. The forms live here because a form in error re-renders this page, as
typed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow, writes_through_queue
from app.core.errors import InvalidInput
from app.core.forms import (
    FormState,
    form_errors,
    input_errors,
    parse_fields,
    parse_form,
    typed_values,
)
from app.core.limits import UPLOAD_BODY_LIMIT
from app.core.pagination import PageRequest
from app.core.rows import id_of
from app.core.templating import templates
from app.core.versions import StaleEdit, submitted_version
from app.evidence.deps import EvidenceStoreDep
from app.evidence.intake import Upload, receive_upload
from app.mail.deps import MailDispatcherDep
from app.questionnaires.domain.vocabulary import TRUST_CENTER_TERMS
from app.questionnaires.errors import IncompleteProfile
from app.questionnaires.library import get_definition, latest_versions
from app.reports import service as reports_service
from app.reports.models import ExtractionStatus
from app.reports.provenance import TrustCenterSource
from app.reports.service import UploadRejected
from app.requests import service as requests_service
from app.requests.answer_pages import build_sections
from app.requests.domain.answer_input import read_answers
from app.requests.models import Answer
from app.requests.schemas import SendForm
from app.reviews.document_views import merged_facts
from app.reviews.domain import fact_sheet
from app.reviews.models import VendorReview
from app.reviews.tier_sets import tier_set_for
from app.vendors import service as vendors_service
from app.vendors.deps import VendorDep
from app.vendors.domain.profile import PROFILE_SLUG
from app.vendors.models import Vendor
from app.vendors.schemas import DATA_CATEGORIES, PROFILE_FLAGS, ContactForm

router = APIRouter(tags=["vendors"])
ReaderDep = Annotated[User, require(Permission.vendors_read)]
EditorDep = Annotated[User, require(Permission.vendors_write)]
SenderDep = Annotated[User, require(Permission.questionnaires_write)]
UploaderDep = Annotated[User, require(Permission.reports_upload)]


NO_FORM = FormState()


def _detail_page(
    request: Request,
    session: SessionDep,
    *,
    user: User,
    vendor: Vendor,
    contact_form: FormState = NO_FORM,
    send_form: FormState = NO_FORM,
    upload_form: FormState = NO_FORM,
    status: int = 422,
) -> Response:
    """Render the vendor's page; a form in error is shown open, as typed, with its messages.

    ``status`` is the one a form in error answers with (422 unless the refusal says otherwise).
    """
    assert vendor.id is not None
    context = {
        "user": user,
        "vendor": vendor,
        "contacts": vendors_service.list_contacts(session, vendor_id=vendor.id),
        "requests": requests_service.list_requests(
            session, page=PageRequest.of(1, 50), vendor_id=vendor.id
        ),
        **_documents_context(session, vendor),
        "review": session.get(VendorReview, vendor.id),
        "tier_set": tier_set_for(vendor),
        "questionnaires": [loaded.definition for loaded in latest_versions()],
        "categories": DATA_CATEGORIES,
        "flags": PROFILE_FLAGS,
        "trust_center_terms": TRUST_CENTER_TERMS,
        "errors": {},
        "contact_form": contact_form,
        "send_form": send_form,
        "upload_form": upload_form,
    }
    if not (contact_form.errors or send_form.errors or upload_form.errors):
        status = 200
    return templates.TemplateResponse(request, "vendors/detail.html", context, status_code=status)


def _documents_context(session: Session, vendor: Vendor) -> dict[str, object]:
    """What the documents table shows, and whether one is still being read."""
    documents = reports_service.list_documents(session, vendor_id=id_of(vendor))
    return {
        "documents": documents,
        # What each document was read as, named as the review page names it ("ISO/IEC 27001").
        "read_as": {
            id_of(document): fact_sheet.kind_label(
                facts.doc_kind, merged_facts(facts), document.kind.value
            )
            for document, facts in documents
            if facts is not None
        },
        "still_reading": any(
            facts is None and document.extraction_status is ExtractionStatus.pending
            for document, facts in documents
        ),
    }


@router.get("/vendors/{vendor_id}", name="vendors.detail")
def vendor_detail(
    request: Request, session: SessionDep, user: ReaderDep, vendor: VendorDep
) -> Response:
    return _detail_page(request, session, user=user, vendor=vendor)


@router.get("/vendors/{vendor_id}/documents", name="vendors.documents")
def vendor_documents(
    request: Request, session: SessionDep, user: ReaderDep, vendor: VendorDep
) -> Response:
    """Return the documents table alone: the vendor's page asks for it while one is being read."""
    if "hx-request" not in request.headers:
        return RedirectResponse(f"/vendors/{vendor.id}#documents", status_code=303)
    context = {"user": user, "vendor": vendor, **_documents_context(session, vendor)}
    return templates.TemplateResponse(request, "vendors/_documents.html", context)


@router.post("/vendors/{vendor_id}/contacts", name="vendors.add_contact")
async def vendor_add_contact(
    request: Request, session: SessionDep, user: EditorDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    try:
        data = parse_form(ContactForm, form)
    except ValidationError as exc:
        state = FormState(typed_values(form), form_errors(exc))
        return _detail_page(request, session, user=user, vendor=vendor, contact_form=state)
    vendors_service.add_contact_from_form(session, vendor, data, actor=user_actor(id_of(user)))
    return RedirectResponse(f"/vendors/{vendor.id}#contacts", status_code=303)


@router.post("/vendors/{vendor_id}/requests", name="requests.send")
async def vendor_send_request(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    vendor: VendorDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    form = await request.form()
    assert vendor.id is not None
    try:
        data = parse_form(SendForm, form)
        found = requests_service.send_request(
            session,
            vendor_id=vendor.id,
            contact_id=data.contact_id,
            slug=data.questionnaire,
            due_on=data.due_on,
            message=data.message,
            sent_by=user,
            settings=request.app.state.settings,
        )
    except (ValidationError, InvalidInput) as exc:
        errors = form_errors(exc) if isinstance(exc, ValidationError) else input_errors(exc)
        state = FormState(typed_values(form), errors)
        return _detail_page(request, session, user=user, vendor=vendor, send_form=state)
    background.add_task(dispatcher.deliver)
    return RedirectResponse(f"/requests/{found.id}?done=sent", status_code=303)


@router.post(
    "/vendors/{vendor_id}/documents", name="documents.upload", max_body_size=UPLOAD_BODY_LIMIT
)
@writes_through_queue
async def vendor_upload_document(
    request: Request,
    session: SessionDep,
    store: EvidenceStoreDep,
    user: UploaderDep,
    vendor: VendorDep,
    file: UploadFile | None = None,
    # Read as typed, so a malformed one comes back beside its field with what was typed.
    source_url: Annotated[str, Form(max_length=2000)] = "",
    source_terms: Annotated[str, Form(max_length=32)] = "",
    source_obtained_on: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    session.commit()  # end the request's read (and a sign-in touch) before the write queue
    today = utcnow().date()
    typed = {
        "source_url": source_url,
        "source_terms": source_terms,
        "source_obtained_on": source_obtained_on,
    }
    try:
        source = parse_fields(TrustCenterSource, typed, context={"today": today})
    except ValidationError as exc:
        # Browsers never send a file back: say so beside the file field.
        errors = {"file": "Choose the file again: it was not kept."} | form_errors(exc)
        state = FormState(dict(typed), errors)
        return _detail_page(request, session, user=user, vendor=vendor, upload_form=state)
    if file is None or not file.filename:
        state = FormState(dict(typed), {"file": "Choose a file to upload."})
        return _detail_page(request, session, user=user, vendor=vendor, upload_form=state)
    upload = Upload.by_user(
        file.file, file.filename, user_id=id_of(user), provenance=source.provenance(today=today)
    )
    try:
        outcome = await receive_upload(
            request.app, store, upload, vendor_id=id_of(vendor), today=today
        )
    except UploadRejected as exc:
        state = FormState(dict(typed), {"file": exc.message})
        return _detail_page(
            request, session, user=user, vendor=vendor, upload_form=state,
            status=exc.status_code,
        )  # fmt: skip
    if outcome.is_duplicate:
        note = "duplicate"
    elif outcome.document.extraction_status is ExtractionStatus.pending:
        note = "queued"  # read by the background worker
    else:
        note = "uploaded"
    return RedirectResponse(f"/vendors/{vendor.id}?document={note}#documents", status_code=303)


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
