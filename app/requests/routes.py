"""Staff pages for questionnaire requests: send, track, resend, revoke, extend, reopen."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.auth.deps import CurrentUserDep, require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep, utcnow
from app.core.errors import InvalidInput
from app.core.forms import form_errors, input_errors, parse_fields
from app.core.pagination import PageRequest
from app.core.templating import templates
from app.core.versions import ANY_VERSION, StaleEdit
from app.mail.deps import MailDispatcherDep
from app.requests import service as requests_service
from app.requests.bulk_routes import router as bulk_router
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.requests.schemas import ExtendForm

router = APIRouter(tags=["requests"])
# First: "/requests/send-many" must not be read as a request id.
router.include_router(bulk_router)
SenderDep = Annotated[User, require(Permission.questionnaires_write)]


def load_request(request_id: int, session: SessionDep) -> QuestionnaireRequest:
    """Return the request in the path or answer 404."""
    return requests_service.get_request(session, request_id)


RequestDep = Annotated[QuestionnaireRequest, Depends(load_request)]


def _back(found: QuestionnaireRequest, note: str) -> RedirectResponse:
    return RedirectResponse(f"/requests/{found.id}?done={note}", status_code=303)


@router.get("/requests", name="requests.list")
def request_list(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    status: RequestStatus | None = None,
    who: Literal["mine", "all"] | None = None,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    # People who send questionnaires start with their own; readers with everyone's.
    who = who or ("mine" if can(user.role, Permission.questionnaires_write) else "all")
    rows = requests_service.list_requests(
        session,
        page=PageRequest.of(page),
        today=utcnow().date(),
        status=status,
        sent_by_id=user.id if who == "mine" else None,
        search=q,
    )
    params = {
        k: v for k, v in {"who": who, "status": status.value if status else "", "q": q}.items() if v
    }
    context = {
        "rows": rows,
        "status": status,
        "who": who,
        "q": q,
        "statuses": list(RequestStatus),
        "params": params,
    }
    return templates.TemplateResponse(request, "requests/list.html", context)


@router.get("/requests/{request_id}", name="requests.detail")
def request_detail(request: Request, session: SessionDep, found: RequestDep) -> Response:
    context = requests_service.detail_context(session, found)
    return templates.TemplateResponse(request, "requests/detail.html", context)


@router.post("/requests/{request_id}/link", name="requests.copy_link")
def copy_link(
    request: Request, session: SessionDep, user: SenderDep, found: RequestDep
) -> Response:
    link = requests_service.issue_link_to_copy(
        session, request=found, actor=user, settings=request.app.state.settings
    )
    # Shown in the page, never in a URL: the link is the vendor's credential.
    context = {**requests_service.detail_context(session, found), "copied_link": link}
    response = templates.TemplateResponse(request, "requests/detail.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


# Revoking and cancelling cannot be undone from the vendor's side: each asks first, on a page
# of its own, so the confirmation works without JavaScript.
CONFIRMATIONS = {
    "revoke": {
        "heading": "Revoke the link?",
        "explanation": "The vendor's current link stops working at once. Their answers are kept; "
        "resend the questionnaire to give them a new link.",
        "button": "Revoke the link",
        "action": "requests.revoke",
    },
    "cancel": {
        "heading": "Cancel this request?",
        "explanation": "The request is closed and the vendor's link stops working. This cannot "
        "be undone; to ask again, send the questionnaire anew.",
        "button": "Cancel the request",
        "action": "requests.cancel",
    },
}


def _confirm_page(
    request: Request, session: SessionDep, found: QuestionnaireRequest, what: str
) -> Response:
    context = {
        **requests_service.detail_context(session, found),
        **CONFIRMATIONS[what],
    }
    return templates.TemplateResponse(request, "requests/confirm.html", context)


@router.get("/requests/{request_id}/revoke", name="requests.confirm_revoke")
def confirm_revoke(request: Request, session: SessionDep, found: RequestDep) -> Response:
    return _confirm_page(request, session, found, "revoke")


@router.get("/requests/{request_id}/cancel", name="requests.confirm_cancel")
def confirm_cancel(request: Request, session: SessionDep, found: RequestDep) -> Response:
    return _confirm_page(request, session, found, "cancel")


@router.post("/requests/{request_id}/resend", name="requests.resend")
def resend(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    found: RequestDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    requests_service.resend_link(
        session, request=found, actor=user, settings=request.app.state.settings
    )
    background.add_task(dispatcher.deliver)
    return _back(found, "resent")


@router.post("/requests/{request_id}/revoke", name="requests.revoke")
def revoke(session: SessionDep, user: SenderDep, found: RequestDep) -> Response:
    requests_service.revoke_link(session, request=found, actor=user)
    return _back(found, "revoked")


@router.post("/requests/{request_id}/extend", name="requests.extend")
def extend(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    found: RequestDep,
    due_on: Annotated[str, Form(max_length=100)] = "",
    version: Annotated[str | None, Form(max_length=100)] = None,
) -> Response:
    try:
        data = parse_fields(ExtendForm, {"due_on": due_on})
        requests_service.extend_due_date(
            session,
            request=found,
            due_on=data.due_on,
            actor=user,
            settings=request.app.state.settings,
            expected_version=version if version != ANY_VERSION else None,
        )
    except StaleEdit as exc:
        context = requests_service.detail_context(session, found)
        context |= {"conflict": exc.message, "typed_due_on": due_on}
        return templates.TemplateResponse(request, "requests/detail.html", context, status_code=409)
    except (ValidationError, InvalidInput) as exc:
        errors = form_errors(exc) if isinstance(exc, ValidationError) else input_errors(exc)
        context = requests_service.detail_context(session, found)
        context |= {"extend_errors": errors, "typed_due_on": due_on}
        return templates.TemplateResponse(request, "requests/detail.html", context, status_code=422)
    return _back(found, "extended")


@router.post("/requests/{request_id}/changes", name="requests.request_changes")
def changes(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    found: RequestDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
    message: Annotated[str, Form(min_length=1, max_length=5000)],
) -> Response:
    requests_service.request_changes(
        session, request=found, message=message, actor=user, settings=request.app.state.settings
    )
    background.add_task(dispatcher.deliver)
    return _back(found, "reopened")


@router.post("/requests/{request_id}/cancel", name="requests.cancel")
def cancel(session: SessionDep, user: SenderDep, found: RequestDep) -> Response:
    requests_service.cancel_request(session, request=found, actor=user)
    return _back(found, "cancelled")


@router.post("/requests/{request_id}/accept", name="requests.accept")
def accept(session: SessionDep, user: SenderDep, found: RequestDep) -> Response:
    requests_service.accept_request(session, request=found, actor=user)
    return _back(found, "accepted")
