"""Remediation items: list, create, read, update, accept the risk, close, other changes, history.

Changes follow the rules of the pages: an item changes only from the version its ETag names
(If-Match: 428 when missing, 412 when stale) and only by a change its status allows (409).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from app.api.concurrency import check_if_match, etag_of
from app.api.deps import (
    IdempotencyDep,
    IfMatchHeader,
    PageDep,
    api_user,
    page_of,
    require_json,
    v1_router,
)
from app.api.errors import PreconditionFailed
from app.api.idempotency import Created
from app.api.schemas import CREATE_ERRORS, ETAG_HEADER, UPDATE_ERRORS, Page
from app.api.v1.loaders import MAX_ID, VendorDep
from app.api.v1.remediation_schemas import (
    AcceptIn,
    ChangeIn,
    CloseIn,
    EntryOut,
    RemediationIn,
    RemediationOut,
    RemediationPatch,
)
from app.audit.actors import user_actor
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow
from app.core.deps import SettingsDep
from app.core.errors import InvalidInput
from app.core.rows import id_of
from app.core.versions import StaleEdit
from app.remediation import queries, service, vendor_notice
from app.remediation.domain.rules import RemediationChange
from app.remediation.models import RemediationItem
from app.remediation.schemas import AcceptForm, ListFilters, NewItemForm, StatusFilter

router = v1_router("remediation")
ReaderDep = Annotated[User, api_user(Permission.decisions_read)]
WriterDep = Annotated[User, api_user(Permission.decisions_write)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


def load_item(item_id: ItemId, session: SessionDep) -> RemediationItem:
    """Return the item in the path or answer 404."""
    return service.require_item(session, item_id)


ItemDep = Annotated[RemediationItem, Depends(load_item)]


def _view(session: Session, item: RemediationItem) -> RemediationOut:
    return RemediationOut.of(queries.item_row(session, item), today=utcnow().date())


def _checked(session: Session, item: RemediationItem, if_match: str | None) -> int:
    """Check If-Match against the item as read now; return the version the change starts from."""
    check_if_match(if_match, etag_of(_view(session, item)))
    return item.version


def _answer(session: Session, item: RemediationItem, response: Response) -> RemediationOut:
    view = _view(session, item)
    response.headers["ETag"] = etag_of(view)
    return view


def _stale(exc: StaleEdit) -> PreconditionFailed:
    return PreconditionFailed(
        "The item changed since you read it. GET it again, reapply your change and retry.",
        details=exc.details,
    )


@router.get("/remediation", name="api.remediation.list")
def list_items(
    request: Request,
    session: SessionDep,
    _user: ReaderDep,
    paging: PageDep,
    status: Annotated[
        StatusFilter,
        Query(description="`active` (default), `overdue`, a status, or empty for all."),
    ] = "active",
    owner_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    vendor_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Page[RemediationOut]:
    """List remediation items, soonest due first."""
    today = utcnow().date()
    found = queries.list_items(
        session, filters=ListFilters(status=status, owner_id=owner_id), page=paging,
        today=today, vendor_id=vendor_id,
    )  # fmt: skip
    items = [RemediationOut.of(row, today=today) for row in found.items]
    return page_of(request, items, found.total, paging)


@router.post(
    "/vendors/{vendor_id}/remediation",
    name="api.remediation.create",
    status_code=201,
    response_model=RemediationOut,
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def create_item(
    body: RemediationIn,
    session: SessionDep,
    user: WriterDep,
    vendor: VendorDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Raise a remediation item for a vendor (optionally from a finding's code and wording)."""

    def create() -> Created:
        item = service.create_item(
            session, vendor_id=id_of(vendor), form=NewItemForm.model_validate(body.model_dump()),
            actor=user_actor(id_of(user)), user_id=user.id,
        )  # fmt: skip
        view = _view(session, item)
        headers = {"Location": f"/api/v1/remediation/{item.id}", "ETag": etag_of(view)}
        return Created(view, headers=headers)

    return idempotency.run(body.model_dump_json().encode(), create)


@router.get(
    "/remediation/{item_id}",
    name="api.remediation.get",
    responses={200: {"headers": ETAG_HEADER}},
)
def get_item(
    session: SessionDep, _user: ReaderDep, item: ItemDep, response: Response
) -> RemediationOut:
    """Read an item; the ETag header guards a later change."""
    return _answer(session, item, response)


@router.patch(
    "/remediation/{item_id}",
    name="api.remediation.update",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def update_item(
    body: RemediationPatch,
    session: SessionDep,
    user: WriterDep,
    item: ItemDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RemediationOut:
    """Change what must change, the owner, due date or severity; If-Match is required."""
    version = _checked(session, item, if_match)
    try:
        service.edit_item(
            session, item, form=body.applied_to(item), expected_version=version,
            actor=user_actor(id_of(user)), user_id=user.id,
        )  # fmt: skip
    except StaleEdit as exc:
        raise _stale(exc) from None
    return _answer(session, item, response)


@router.post(
    "/remediation/{item_id}/accept",
    name="api.remediation.accept",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def accept_item(
    body: AcceptIn,
    session: SessionDep,
    user: WriterDep,
    item: ItemDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RemediationOut:
    """Accept the risk until a date with a reason; the item reopens by itself on that date."""
    version = _checked(session, item, if_match)
    try:
        service.accept_risk(
            session, item, form=AcceptForm.model_validate(body.model_dump()),
            expected_version=version, user=user,
            actor=user_actor(id_of(user)), today=utcnow().date(),
        )  # fmt: skip
    except StaleEdit as exc:
        raise _stale(exc) from None
    return _answer(session, item, response)


@router.post(
    "/remediation/{item_id}/close",
    name="api.remediation.close",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def close_item(
    body: CloseIn,
    session: SessionDep,
    user: WriterDep,
    item: ItemDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RemediationOut:
    """Close an item once its change is verified; If-Match is required."""
    version = _checked(session, item, if_match)
    try:
        service.change_status(
            session, item, change=RemediationChange.close, expected_version=version,
            actor=user_actor(id_of(user)), user_id=user.id, text=body.note,
        )  # fmt: skip
    except StaleEdit as exc:
        raise _stale(exc) from None
    return _answer(session, item, response)


# Changes staff make besides accept and close; the vendor answers through its portal link.
StaffChange = Literal["ask_vendor", "send_back", "reopen"]


@router.post(
    "/remediation/{item_id}/changes/{change}",
    name="api.remediation.change",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def change_item(
    body: ChangeIn,
    session: SessionDep,
    user: WriterDep,
    item: ItemDep,
    change: StaffChange,
    response: Response,
    settings: SettingsDep,
    if_match: IfMatchHeader = None,
) -> RemediationOut:
    """Ask the vendor, send an answer back (a note is required), or reopen a finished item.

    Asking or sending back e-mails the vendor's contact a link to its items when it can."""
    version = _checked(session, item, if_match)
    if change == "send_back" and not body.note:
        raise InvalidInput("Say what the vendor must still do.", details={"field": "note"})
    try:
        service.change_status(
            session, item, change=RemediationChange(change), expected_version=version,
            actor=user_actor(id_of(user)), user_id=user.id, text=body.note,
        )  # fmt: skip
    except StaleEdit as exc:
        raise _stale(exc) from None
    vendor_notice.after_change(session, item, settings=settings, actor=user_actor(id_of(user)))
    return _answer(session, item, response)


@router.get("/remediation/{item_id}/history", name="api.remediation.history")
def item_history(session: SessionDep, _user: ReaderDep, item: ItemDep) -> list[EntryOut]:
    """Return an item's history, oldest first: changes, the vendor's answers, staff notes."""
    return [EntryOut.of(entry) for entry in queries.history(session, id_of(item))]
