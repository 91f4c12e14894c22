"""Remediation pages for staff: the portfolio list, a vendor's items, one item and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep, utcnow
from app.core.errors import InvalidInput
from app.core.forms import form_errors, parse_form
from app.core.pagination import PageRequest
from app.core.rows import id_of
from app.core.templating import templates
from app.core.versions import StaleEdit
from app.remediation import queries, service, vendor_notice
from app.remediation.deps import ItemDep
from app.remediation.domain.rules import RemediationChange, severity_of_finding
from app.remediation.errors import ChangeNotAllowed
from app.remediation.models import RemediationItem
from app.remediation.pages import render_item, render_new
from app.remediation.schemas import (
    AcceptForm,
    ItemForm,
    ListFilters,
    NewItemForm,
    NoteForm,
    RequiredNoteForm,
)
from app.vendors.deps import VendorDep

router = APIRouter(tags=["remediation"])
ReaderDep = Annotated[User, require(Permission.decisions_read)]
WriterDep = Annotated[User, require(Permission.decisions_write)]
_STAFF_CHANGES: dict[RemediationChange, type[NoteForm | RequiredNoteForm]] = {
    RemediationChange.ask_vendor: NoteForm,
    RemediationChange.send_back: RequiredNoteForm,
    RemediationChange.close: NoteForm,
    RemediationChange.reopen: NoteForm,
}


def _filters(
    status: Annotated[str, Query(max_length=32)] = "active",
    owner_id: Annotated[int | None, Query(ge=1)] = None,
) -> ListFilters:
    try:
        return ListFilters.model_validate({"status": status, "owner_id": owner_id})
    except ValidationError:
        return ListFilters()


def _version(form: object) -> int:
    value = str(getattr(form, "get", lambda _k: "")("version") or "")
    return int(value) if value.isdigit() else 0


def _to_item(
    item: RemediationItem, note: str, notice: vendor_notice.VendorNotice | None = None
) -> RedirectResponse:
    told = "" if notice is None else f"&told={notice.not_told or 'sent'}"
    return RedirectResponse(f"/remediation/{item.id}?done={note}{told}", status_code=303)


@router.get("/remediation", name="remediation.list")
def list_items(
    request: Request,
    session: SessionDep,
    _user: ReaderDep,
    filters: Annotated[ListFilters, Depends(_filters)],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    today = utcnow().date()
    rows = queries.list_items(session, filters=filters, page=PageRequest.of(page), today=today)
    context = {"rows": rows, "filters": filters, "today": today, "owners": service.owners(session),
               "params": filters.model_dump(exclude_none=True)}  # fmt: skip
    return templates.TemplateResponse(request, "remediation/list.html", context)


@router.get("/vendors/{vendor_id}/remediation", name="remediation.vendor")
def vendor_items(
    request: Request, session: SessionDep, user: ReaderDep, vendor: VendorDep
) -> Response:
    context = {
        "vendor": vendor,
        "rows": queries.for_vendor(session, id_of(vendor)),
        "today": utcnow().date(),
        "can_write": can(user.role, Permission.decisions_write),
    }
    return templates.TemplateResponse(request, "remediation/vendor.html", context)


@router.get("/vendors/{vendor_id}/remediation/new", name="remediation.new")
def new_item(
    request: Request,
    session: SessionDep,
    user: WriterDep,
    vendor: VendorDep,
    finding: Annotated[str, Query(max_length=64)] = "",
    ref: Annotated[str, Query(max_length=2000)] = "",
    severity: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    values = {"finding_code": finding, "finding_ref": ref, "required_change": ref,
              "severity": severity_of_finding(severity).value, "owner_id": user.id}  # fmt: skip
    return render_new(request, session, user, vendor, values=values)


@router.post("/vendors/{vendor_id}/remediation", name="remediation.create")
async def create_item(
    request: Request, session: SessionDep, user: WriterDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in NewItemForm.model_fields}
    try:
        data = parse_form(NewItemForm, form)
        item = service.create_item(
            session, vendor_id=id_of(vendor), form=data, actor=user_actor(id_of(user)),
            user_id=user.id,
        )  # fmt: skip
    except ValidationError as exc:
        return render_new(request, session, user, vendor, values=values,
                          errors=form_errors(exc), status=422)  # fmt: skip
    except InvalidInput as exc:
        errors = {str(exc.details.get("field", "form")): exc.message}
        return render_new(request, session, user, vendor, values=values, errors=errors, status=422)
    return _to_item(item, "created")


@router.get("/remediation/{item_id}", name="remediation.detail")
def item_page(request: Request, session: SessionDep, user: ReaderDep, item: ItemDep) -> Response:
    return render_item(request, session, user, item)


async def _apply(
    request: Request,
    session: Session,
    user: User,
    item: RemediationItem,
    action: str,
    work: Callable[[FormData], object],
) -> Response:
    """Run one change from a submitted form; refusals show the item again with what was typed."""
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    try:
        outcome = work(form)
    except ValidationError as exc:
        errors = {f"{action}-{key}": message for key, message in form_errors(exc).items()}
    except InvalidInput as exc:
        errors = {f"{action}-{exc.details.get('field', 'form')}": exc.message}
    except (StaleEdit, ChangeNotAllowed) as exc:
        return render_item(request, session, user, item, values=values, action=action,
                           conflict=exc.message, status=409)  # fmt: skip
    else:
        notice = outcome if isinstance(outcome, vendor_notice.VendorNotice) else None
        return _to_item(item, action, notice)
    return render_item(
        request, session, user, item, values=values, action=action, errors=errors, status=422
    )


@router.post("/remediation/{item_id}", name="remediation.update")
async def update_item(
    request: Request, session: SessionDep, user: WriterDep, item: ItemDep
) -> Response:
    def work(form: FormData) -> object:
        return service.edit_item(
            session, item, form=parse_form(ItemForm, form), expected_version=_version(form),
            actor=user_actor(id_of(user)), user_id=user.id,
        )  # fmt: skip

    return await _apply(request, session, user, item, "edit", work)


@router.post("/remediation/{item_id}/changes/{change}", name="remediation.change")
async def change_item(
    request: Request,
    session: SessionDep,
    user: WriterDep,
    item: ItemDep,
    change: RemediationChange,
) -> Response:
    note_form = _STAFF_CHANGES.get(change)
    if note_form is None:
        raise ChangeNotAllowed("Staff cannot make this change here.")

    def work(form: FormData) -> object:
        note = parse_form(note_form, form)
        actor = user_actor(id_of(user))
        service.change_status(
            session, item, change=change, expected_version=_version(form),
            actor=actor, user_id=user.id, text=note.text,
        )  # fmt: skip
        settings = request.app.state.settings
        return vendor_notice.after_change(session, item, settings=settings, actor=actor)

    return await _apply(request, session, user, item, change.value, work)


@router.post("/remediation/{item_id}/accept", name="remediation.accept")
async def accept_item(
    request: Request, session: SessionDep, user: WriterDep, item: ItemDep
) -> Response:
    def work(form: FormData) -> object:
        return service.accept_risk(
            session, item, form=parse_form(AcceptForm, form), expected_version=_version(form),
            user=user, actor=user_actor(id_of(user)), today=utcnow().date(),
        )  # fmt: skip

    return await _apply(request, session, user, item, "accept", work)


@router.post("/remediation/{item_id}/notes", name="remediation.note")
async def add_note(
    request: Request, session: SessionDep, user: WriterDep, item: ItemDep
) -> Response:
    def work(form: FormData) -> object:
        note = parse_form(RequiredNoteForm, form)
        return service.add_note(
            session, item, text=note.text, actor=user_actor(id_of(user)), user_id=user.id
        )

    return await _apply(request, session, user, item, "note", work)
