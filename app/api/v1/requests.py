"""Questionnaire requests: send, list, read, extend, resend, revoke, request changes, answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Depends, Query, Request, Response
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
from app.api.schemas import ACTION_ERRORS, CREATE_ERRORS, ETAG_HEADER, UPDATE_ERRORS, Page
from app.api.v1.loaders import LockedRequestDep, RequestDep, VendorDep
from app.api.v1.request_schemas import AnswerOut, ChangesIn, RequestIn, RequestOut, RequestPatch
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.rows import id_of
from app.core.versions import ANY_VERSION
from app.mail.deps import MailDispatcherDep
from app.requests import answer_store as answering
from app.requests import service as requests_service
from app.requests.models import QuestionnaireRequest, RequestStatus

router = v1_router("requests")
ReaderDep = Annotated[User, api_user(Permission.questionnaires_read)]
SenderDep = Annotated[User, api_user(Permission.questionnaires_write)]


def guard_request(
    found: LockedRequestDep, response: Response, if_match: IfMatchHeader = None
) -> GuardedChange[QuestionnaireRequest, RequestOut]:
    """Return the request in the path, locked, to change only from the ETag the client read."""
    return GuardedChange(found, RequestOut.of, if_match, response)


RequestChangeDep = Annotated[
    GuardedChange[QuestionnaireRequest, RequestOut], Depends(guard_request)
]


@router.get("/requests", name="api.requests.list")
def list_requests(
    request: Request,
    session: SessionDep,
    _user: ReaderDep,
    paging: PageDep,
    status: RequestStatus | None = None,
    vendor_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Page[RequestOut]:
    """List questionnaire requests, newest first."""
    found = requests_service.list_requests(session, page=paging, status=status, vendor_id=vendor_id)
    items = [RequestOut.of(row.request) for row in found.items]
    return page_of(request, items, found.total, paging)


@router.post(
    "/vendors/{vendor_id}/requests",
    name="api.requests.send",
    status_code=201,
    response_model=RequestOut,
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def send_request(
    request: Request,
    body: RequestIn,
    session: SessionDep,
    user: SenderDep,
    vendor: VendorDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Send a questionnaire to a vendor contact; the invitation e-mail carries the link."""

    def send() -> Created:
        found = requests_service.send_request(
            session,
            vendor_id=id_of(vendor),
            contact_id=body.contact_id,
            slug=body.questionnaire,
            due_on=body.due_on,
            message=body.message,
            sent_by=user,
            settings=request.app.state.settings,
        )
        background.add_task(dispatcher.deliver)
        view = RequestOut.of(found)
        headers = {"Location": f"/api/v1/requests/{found.id}", "ETag": etag_of(view)}
        return Created(view, headers=headers)

    return idempotency.run(body.model_dump_json().encode(), send)


@router.get(
    "/requests/{request_id}", name="api.requests.get", responses={200: {"headers": ETAG_HEADER}}
)
def get_request(found: RequestDep, _user: ReaderDep, response: Response) -> RequestOut:
    """Read a request; the ETag header guards a later update."""
    return with_etag(RequestOut.of(found), response)


@router.patch(
    "/requests/{request_id}",
    name="api.requests.update",
    responses={**UPDATE_ERRORS, 200: {"headers": ETAG_HEADER}},
    dependencies=[Depends(require_json)],
)
def extend_request(
    request: Request,
    body: RequestPatch,
    session: SessionDep,
    user: SenderDep,
    guarded: RequestChangeDep,
) -> RequestOut:
    """Extend the due date; If-Match must carry the ETag of your last read."""
    return guarded.apply(
        lambda found: requests_service.extend_due_date(
            session,
            request=found,
            due_on=body.due_on,
            actor=user,
            settings=request.app.state.settings,
            expected_version=ANY_VERSION,  # the guard has checked If-Match
        )
    )


@router.post(
    "/requests/{request_id}/resend",
    name="api.requests.resend",
    response_model=RequestOut,
    responses=ACTION_ERRORS,
)
def resend(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    found: RequestDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Issue a new link (the old one stops working) and e-mail it again."""

    def resend_link() -> Created:
        settings = request.app.state.settings
        requests_service.resend_link(session, request=found, actor=user, settings=settings)
        background.add_task(dispatcher.deliver)
        return Created(RequestOut.of(found), status_code=200)

    return idempotency.run(b"", resend_link)


@router.post(
    "/requests/{request_id}/revoke",
    name="api.requests.revoke",
    responses=ACTION_ERRORS,
)
def revoke(session: SessionDep, user: SenderDep, found: RequestDep) -> RequestOut:
    """Stop the vendor's current link from working; resending issues a new one."""
    requests_service.revoke_link(session, request=found, actor=user)
    return RequestOut.of(found)


@router.post(
    "/requests/{request_id}/changes",
    name="api.requests.request_changes",
    response_model=RequestOut,
    responses={**ACTION_ERRORS, **CREATE_ERRORS},
    dependencies=[Depends(require_json)],
)
def request_changes(
    request: Request,
    body: ChangesIn,
    session: SessionDep,
    user: SenderDep,
    found: RequestDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Reopen a submitted questionnaire with a message; the vendor gets a fresh link."""

    def reopen() -> Created:
        settings = request.app.state.settings
        requests_service.request_changes(
            session, request=found, message=body.message, actor=user, settings=settings
        )
        background.add_task(dispatcher.deliver)
        return Created(RequestOut.of(found), status_code=200)

    return idempotency.run(body.model_dump_json().encode(), reopen)


@router.get("/requests/{request_id}/answers", name="api.answers.list")
def list_answers(
    request: Request, session: SessionDep, _user: ReaderDep, found: RequestDep, paging: PageDep
) -> Page[AnswerOut]:
    """Read the vendor's saved answers to a request, by question id."""
    answers = sorted(
        answering.load_answers(session, id_of(found)).values(), key=lambda a: a.question_id
    )
    window = answers[paging.offset : paging.offset + paging.size]
    return page_of(request, [AnswerOut.of(a) for a in window], len(answers), paging)
