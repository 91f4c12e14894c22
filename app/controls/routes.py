"""Our control catalogue page, and each vendor's CUECs mapped to it (staff)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.controls import mapping, memo, memo_pdf
from app.controls import service as controls_service
from app.core.db import SessionDep, utcnow, writes
from app.core.errors import InvalidInput
from app.core.forms import form_errors, parse_fields
from app.core.ratelimit import rate_limit
from app.core.rows import id_of
from app.core.templating import templates
from app.core.versions import StaleEdit, submitted_version
from app.reports.models import Document
from app.reviews import exports
from app.vendors.deps import VendorDep
from app.vendors.models import Vendor

router = APIRouter(tags=["controls"])
ReaderDep = Annotated[User, require(Permission.dashboard_view)]
EditorDep = Annotated[User, require(Permission.scores_write)]
ReportReaderDep = Annotated[User, require(Permission.reports_read)]
ExporterDep = Annotated[User, require(Permission.exports_create)]
MemoFormat = Literal["xlsx", "pdf"]
_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _catalogue_page(
    request: Request,
    session: SessionDep,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "controls": controls_service.list_controls(session),
        "values": values or {},
        "errors": errors or {},
    }
    return templates.TemplateResponse(request, "controls/list.html", context, status_code=status)


@router.get("/controls", name="controls.list")
def catalogue(request: Request, session: SessionDep, _user: ReaderDep) -> Response:
    return _catalogue_page(request, session)


@router.post("/controls", name="controls.save")
def save_control(
    request: Request,
    session: SessionDep,
    user: EditorDep,
    ref: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    owner_email: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    try:
        controls_service.save_control(
            session, ref=ref, name=name, owner_email=owner_email, actor=user_actor(id_of(user))
        )
    except controls_service.ControlInvalid as exc:
        values = {"ref": ref, "name": name, "owner_email": owner_email}
        return _catalogue_page(request, session, values=values, errors=exc.problems, status=422)
    return RedirectResponse("/controls?saved=1", status_code=303)


@router.post("/controls/import", name="controls.import_csv")
async def import_catalogue(
    request: Request, session: SessionDep, user: EditorDep, file: UploadFile
) -> Response:
    content = await file.read(controls_service.MAX_FILE_BYTES + 1)
    try:
        result = controls_service.import_catalogue(
            session, content=content, actor=user_actor(id_of(user))
        )
    except InvalidInput as exc:
        return _catalogue_page(request, session, errors={"file": exc.message}, status=422)
    return RedirectResponse(
        f"/controls?created={result.created}&updated={result.updated}", status_code=303
    )


def _report_names(session: SessionDep, document_ids: Iterable[int]) -> dict[int, str]:
    """Name each report by its file, as people know it."""
    names: dict[int, str] = {}
    for document_id in document_ids:
        document = session.get(Document, document_id)
        if document is not None:
            names[document_id] = document.filename
    return names


def _cuecs_page(
    request: Request,
    session: SessionDep,
    user: User,
    vendor: Vendor,
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    assert vendor.id is not None
    items = mapping.cuec_mappings(session, vendor.id)
    by_document: dict[int, list[mapping.CuecMapping]] = {}
    for item in items:
        by_document.setdefault(item.document_id, []).append(item)
    context = {
        "user": user,
        "vendor": vendor,
        "reports": by_document,
        "report_names": _report_names(session, by_document),
        "versions": {
            document_id: mapping.mapping_version(items, document_id) for document_id in by_document
        },
        "controls": controls_service.list_controls(session),
        "failed": failed or {},
        "today": utcnow().date(),
    }
    return templates.TemplateResponse(request, "controls/cuecs.html", context, status_code=status)


@router.get("/vendors/{vendor_id}/cuecs", name="controls.vendor_cuecs")
def vendor_cuecs(
    request: Request, session: SessionDep, user: ReportReaderDep, vendor: VendorDep
) -> Response:
    return _cuecs_page(request, session, user, vendor)


@router.post("/vendors/{vendor_id}/cuecs/{document_id}", name="controls.link")
async def link(
    request: Request, session: SessionDep, user: EditorDep, vendor: VendorDep, document_id: int
) -> Response:
    form = await request.form()
    choices: dict[str, int | None] = {}
    for name, value in form.multi_items():
        if str(name).startswith("control-"):
            text = str(value).strip()
            choices[str(name).removeprefix("control-")] = int(text) if text.isdigit() else None
    try:
        mapping.link_cuecs(
            session,
            vendor=vendor,
            document_id=document_id,
            choices=choices,
            user=user,
            as_of=utcnow().date(),
            expected_version=submitted_version(form),
        )
    except (InvalidInput, StaleEdit) as exc:
        # The page comes back with what was chosen and, when stale, what is saved now.
        failed = {"link": document_id, "message": exc.message, "choices": choices}
        status = 409 if isinstance(exc, StaleEdit) else 422
        return _cuecs_page(request, session, user, vendor, failed=failed, status=status)
    return RedirectResponse(f"/vendors/{vendor.id}/cuecs?saved=1#report-{document_id}", 303)


class CheckedOnForm(BaseModel):
    """The day an owner checked a control, read from text so a malformed one is answered."""

    checked_on: date | None = None


@router.post("/vendors/{vendor_id}/cuecs/{document_id}/{key}/confirm", name="controls.confirm")
def confirm(
    request: Request,
    session: SessionDep,
    user: ReportReaderDep,
    vendor: VendorDep,
    document_id: int,
    key: str,
    in_place: Annotated[str, Form(max_length=3)] = "",
    evidence: Annotated[str, Form(max_length=10000)] = "",
    checked_on: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    today = utcnow().date()
    try:
        checked = parse_fields(CheckedOnForm, {"checked_on": checked_on}).checked_on
        unreadable: dict[str, str] = {}
    except ValidationError as exc:
        checked, unreadable = None, form_errors(exc)
    # An unreadable date says how to write one rather than asking for a date.
    problems = mapping.check_confirmation(in_place, evidence, checked, today) | unreadable
    if problems or checked is None:
        values = {"in_place": in_place, "evidence": evidence, "checked_on": checked_on}
        failed = {"key": key, "errors": problems, "values": values}
        return _cuecs_page(request, session, user, vendor, failed=failed, status=422)
    mapping.confirm_cuec(
        session,
        vendor=vendor,
        document_id=document_id,
        key=key,
        confirmation=mapping.Confirmation(in_place == "yes", evidence, checked),
        user=user,
    )
    return RedirectResponse(f"/vendors/{vendor.id}/cuecs?confirmed=1#cuec-{key}", 303)


@router.get(
    "/vendors/{vendor_id}/cuecs/memo.{fmt}",
    name="controls.memo",
    dependencies=[Depends(rate_limit("export", per="user"))],
)
@writes  # the export is audited
def export_memo(
    session: SessionDep, user: ExporterDep, vendor: VendorDep, fmt: MemoFormat
) -> Response:
    today = utcnow().date()
    built = memo.build_memo(session, vendor, today=today)
    content = (
        exports.to_xlsx(memo.memo_sheets(built)) if fmt == "xlsx" else memo_pdf.memo_pdf(built)
    )
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.review_exported,
        subject_type="export",
        subject_id=f"cuec-memo:{vendor.id}",
        data={"format": fmt, "reports": len(built.reports)},
    )
    name = exports.export_filename(f"vendor-{vendor.id}-cuec-memo", today, fmt)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=_MEDIA[fmt], headers=headers)
