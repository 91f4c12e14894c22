"""Routes on one document: open it, read a page of evidence, correct a fact on its own small
page, assign CUEC owners."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.domain.redirects import safe_next
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow, writes
from app.core.deps import SettingsDep
from app.core.errors import InvalidInput, NotFound
from app.core.forms import form_errors, parse_form
from app.core.rows import id_of
from app.core.security import ATTACHMENT_CSP
from app.core.templating import templates
from app.core.versions import StaleEdit, submitted_version
from app.evidence import corrections
from app.reports.deps import document_storage
from app.reports.domain.facts import CORRECTABLE_FIELDS
from app.reports.service import safe_filename
from app.reviews import documents, vendor_review
from app.reviews.domain import evidence
from app.reviews.pages import render_correction
from app.reviews.schemas import CORRECTION_MESSAGES, CorrectionForm, plain_errors
from app.vendors import service as vendors_service

router = APIRouter()
ViewerDep = Annotated[User, require(Permission.reports_download)]
ScorerDep = Annotated[User, require(Permission.scores_write)]
_SAFE_NEXT_PREFIXES = ("/documents/", "/vendors/")


def _safe_next(target: str) -> str:
    # Only paths of this application: never an absolute or scheme-relative URL.
    if target.startswith(_SAFE_NEXT_PREFIXES) and safe_next(target) == target:
        return target
    return "/"


def _acknowledgement_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/documents/acknowledge?next={quote(target)}", status_code=303)


@router.get("/documents/acknowledge", name="reviews.acknowledge_form")
def acknowledge_form(
    request: Request,
    user: ViewerDep,
    settings: SettingsDep,
    next_path: Annotated[str, Query(alias="next", max_length=500)] = "/",
) -> Response:
    documents.check_viewer(user, settings)
    context = {"next_path": _safe_next(next_path)}
    return templates.TemplateResponse(request, "reviews/acknowledge.html", context)


@router.post("/documents/acknowledge", name="reviews.acknowledge")
async def acknowledge(
    request: Request, session: SessionDep, user: ViewerDep, settings: SettingsDep
) -> Response:
    documents.check_viewer(user, settings)
    form = await request.form()
    if form.get("accept") != "yes":
        context = {"next_path": _safe_next(str(form.get("next") or "/")), "error": True}
        return templates.TemplateResponse(
            request, "reviews/acknowledge.html", context, status_code=422
        )
    documents.acknowledge(session, user=user)
    return RedirectResponse(_safe_next(str(form.get("next") or "/")), status_code=303)


@router.get("/documents/{document_id}/download", name="reviews.document_download")
@writes  # the download is audited
def download(
    request: Request,
    session: SessionDep,
    user: ViewerDep,
    settings: SettingsDep,
    document_id: int,
) -> Response:
    document = documents.get_document(session, document_id)
    documents.check_viewer(user, settings)
    if not documents.has_acknowledged(session, id_of(user)):
        return _acknowledgement_redirect(request)
    opened = documents.open_for_download(
        session, document=document, storage=document_storage(request), user=user
    )
    if opened.content is None:
        context = {
            "status": 409,
            "title": "The stored file failed its integrity check",
            "message": "The file does not match what was uploaded, so it is not served. "
            "An administrator has been alerted.",
        }
        return templates.TemplateResponse(request, "errors/error.html", context, status_code=409)
    name = safe_filename(document.filename)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    headers = {
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        ),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": ATTACHMENT_CSP,
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    return Response(opened.content, media_type=document.content_type, headers=headers)


@router.get("/documents/{document_id}/evidence", name="reviews.evidence")
def evidence_view(
    request: Request,
    session: SessionDep,
    user: ViewerDep,
    settings: SettingsDep,
    document_id: int,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    quote_text: Annotated[str, Query(alias="quote", max_length=evidence.MAX_QUOTE)] = "",
) -> Response:
    document = documents.get_document(session, document_id)
    documents.check_viewer(user, settings)
    if not documents.has_acknowledged(session, id_of(user)):
        return _acknowledgement_redirect(request)
    found = documents.evidence_page(
        session, document=document, page=page, storage=document_storage(request), user=user
    )
    segments = evidence.highlight(found.text, quote_text) if found.text is not None else []
    context = {
        "found": found,
        "vendor": vendors_service.get_vendor(session, document.vendor_id),
        "segments": segments,
        "quote": quote_text,
        "matched": evidence.has_match(segments),
    }
    return templates.TemplateResponse(request, "reviews/evidence.html", context)


@router.get("/documents/{document_id}/facts/{field_name}/correct", name="reviews.correct_fact_form")
def correct_fact_form(
    request: Request, session: SessionDep, user: ScorerDep, document_id: int, field_name: str
) -> Response:
    document = documents.get_document(session, document_id)
    return render_correction(request, session, user, document, field_name)


@router.post("/documents/{document_id}/facts/{field_name}", name="reviews.correct_fact")
async def correct_fact(
    request: Request, session: SessionDep, user: ScorerDep, document_id: int, field_name: str
) -> Response:
    document = documents.get_document(session, document_id)
    form = await request.form()
    typed = {key: str(form.get(key) or "") for key in ("value", "reason")}
    try:
        if field_name not in CORRECTABLE_FIELDS:
            raise NotFound("There is no such fact to correct.")
        data = parse_form(CorrectionForm, form)
        vendor_review.correct_fact(
            session,
            document=document,
            field_name=field_name,
            raw_value=data.value,
            reason=data.reason,
            user=user,
            today=utcnow().date(),
            expected_version=submitted_version(form),
        )
    except ValidationError as exc:
        errors = plain_errors(form_errors(exc), CORRECTION_MESSAGES)
        return render_correction(
            request, session, user, document, field_name, errors=errors, values=typed, status=422
        )
    except InvalidInput as exc:
        return render_correction(
            request, session, user, document, field_name,
            errors={"value": exc.message}, values=typed, status=422,
        )  # fmt: skip
    except StaleEdit as exc:
        return render_correction(
            request, session, user, document, field_name,
            errors={"form": exc.message}, values=typed, status=409,
        )  # fmt: skip
    return RedirectResponse(
        f"/vendors/{document.vendor_id}/review?done=corrected&document={document_id}"
        f"#document-{document_id}",
        status_code=303,
    )


@router.post("/documents/{document_id}/confirm-alias", name="reviews.confirm_alias")
def confirm_alias(session: SessionDep, user: ScorerDep, document_id: int) -> Response:
    document = documents.get_document(session, document_id)
    corrections.confirm_alias(
        session, document=document, actor=user_actor(id_of(user)), today=utcnow().date()
    )
    return RedirectResponse(
        f"/vendors/{document.vendor_id}/review?done=alias#document-{document_id}", status_code=303
    )
