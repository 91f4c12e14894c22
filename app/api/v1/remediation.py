"""Remediation items: list, create, read, update, accept the risk, close, other changes, history.

Changes follow the rules of the pages: an item changes only from the version its ETag names
(If-Match: 428 when missing, 412 when stale) and only by a change its status allows (409).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

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
from app.remediation import queries, service, vendor_notice
from app.remediation.domain.rules import RemediationChange
from app.remediation.models import RemediationItem
from app.remediation.schemas import AcceptForm, ListFilters, NewItemForm, StatusFilter

router = v1_router("remediation")
ReaderDep = Annotated[User, api_user(Permission.decisions_read)]
WriterDep = Annotated[User, api_user(Permission.decisions_write)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
STALE_ITEM = "The item changed since you read it. GET it again, reapply your change and retry."


def load_item(item_id: ItemId, session: SessionDep) -> RemediationItem:
    """Return the item in the path or answer 404."""
    return service.require_item(session, item_id)


ItemDep = Annotated[RemediationItem, Depends(load_item)]


def _view(session: Session, item: RemediationItem) -> RemediationOut:
    return RemediationOut.of(queries.item_row(session, item), today=utcnow().date())


def guard_item(
    item: ItemDep, session: SessionDep, response: Response, if_match: IfMatchHeader = None
) -> GuardedChange[RemediationItem, RemediationOut]:
    """Return the item in the path, to change only from the ETag the client read."""
    return GuardedChange(
        item, partial(_view, session), if_match, response, stale_message=STALE_ITEM
    )


# Once If-Match matched, ``item.version`` is the version the client read; the service refuses
# the write if the row moved since (412).
ItemChangeDep = Annotated[GuardedChange[RemediationItem, RemediationOut], Depends(guard_item)]


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
    return with_etag(_view(session, item), response)


@router.patch(
    "/remediation/{item_id}",
    name="api.remediation.update",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def update_item(
    body: RemediationPatch, session: SessionDep, user: WriterDep, guarded: ItemChangeDep
) -> RemediationOut:
    """Change what must change, the owner, due date or severity; If-Match is required."""
    return guarded.apply(
        lambda item: service.edit_item(
            session, item, form=body.applied_to(item), expected_version=item.version,
            actor=user_actor(id_of(user)), user_id=user.id,
        )
    )  # fmt: skip


@router.post(
    "/remediation/{item_id}/accept",
    name="api.remediation.accept",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def accept_item(
    body: AcceptIn, session: SessionDep, user: WriterDep, guarded: ItemChangeDep
) -> RemediationOut:
    """Accept the risk until a date with a reason; the item reopens by itself on that date."""
    return guarded.apply(
        lambda item: service.accept_risk(
            session, item, form=AcceptForm.model_validate(body.model_dump()),
            expected_version=item.version, user=user,
            actor=user_actor(id_of(user)), today=utcnow().date(),
        )
    )  # fmt: skip


@router.post(
    "/remediation/{item_id}/close",
    name="api.remediation.close",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def close_item(
    body: CloseIn, session: SessionDep, user: WriterDep, guarded: ItemChangeDep
) -> RemediationOut:
    """Close an item once its change is verified; If-Match is required."""
    return guarded.apply(
        lambda item: service.change_status(
            session, item, change=RemediationChange.close, expected_version=item.version,
            actor=user_actor(id_of(user)), user_id=user.id, text=body.note,
        )
    )  # fmt: skip


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
    guarded: ItemChangeDep,
    change: StaffChange,
    settings: SettingsDep,
) -> RemediationOut:
    """Ask the vendor, send an answer back (a note is required), or reopen a finished item.

    Asking or sending back e-mails the vendor's contact a link to its items when it can."""

    def make_change(item: RemediationItem) -> None:
        if change == "send_back" and not body.note:
            raise InvalidInput("Say what the vendor must still do.", details={"field": "note"})
        service.change_status(
            session, item, change=RemediationChange(change), expected_version=item.version,
            actor=user_actor(id_of(user)), user_id=user.id, text=body.note,
        )  # fmt: skip
        vendor_notice.after_change(session, item, settings=settings, actor=user_actor(id_of(user)))

    return guarded.apply(make_change)


@router.get("/remediation/{item_id}/history", name="api.remediation.history")
def item_history(session: SessionDep, _user: ReaderDep, item: ItemDep) -> list[EntryOut]:
    """Return an item's history, oldest first: changes, the vendor's answers, staff notes."""
    return [EntryOut.of(entry) for entry in queries.history(session, id_of(item))]
