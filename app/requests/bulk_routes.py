"""The staff page that sends one questionnaire to several vendors at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.forms import form_errors, parse_form
from app.core.templating import templates
from app.mail.deps import MailDispatcherDep
from app.organisation.errors import OrganisationNotNamed
from app.questionnaires.library import get_definition, latest_versions
from app.requests import bulk
from app.requests.schemas import BulkSendForm

router = APIRouter(tags=["requests"])
SenderDep = Annotated[User, require(Permission.questionnaires_write)]
PATH = "/requests/send-many"


def _form_page(
    request: Request,
    session: SessionDep,
    *,
    values: dict[str, object],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    search = str(values.get("q") or "")
    candidates, total = bulk.list_candidates(session, search=search)
    context = {
        "questionnaires": [loaded.definition for loaded in latest_versions()],
        "candidates": candidates,
        "total": total,
        "limit": bulk.CANDIDATE_LIMIT,
        "values": values,
        "errors": errors,
    }
    return templates.TemplateResponse(
        request, "requests/bulk_send.html", context, status_code=status
    )


@router.get(PATH, name="requests.bulk_form")
def bulk_form(
    request: Request,
    session: SessionDep,
    _user: SenderDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    return _form_page(request, session, values={"q": q, "vendor_id": []}, errors={})


@router.post(PATH, name="requests.bulk_send")
async def bulk_send(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    form = await request.form()
    values: dict[str, object] = {
        "questionnaire": form.get("questionnaire", ""),
        "due_on": form.get("due_on", ""),
        "message": form.get("message", ""),
        "q": form.get("q", ""),
        "vendor_id": [str(v) for v in form.getlist("vendor_id")],
    }
    try:
        data = parse_form(BulkSendForm, form, lists=("vendor_id",))
    except ValidationError as exc:
        return _form_page(request, session, values=values, errors=form_errors(exc), status=422)
    if data.questionnaire not in {loaded.definition.slug for loaded in latest_versions()}:
        errors = {"questionnaire": "Choose one of the released questionnaires."}
        return _form_page(request, session, values=values, errors=errors, status=422)
    try:
        outcomes = bulk.send_to_many(
            session,
            vendor_ids=data.vendor_id,
            slug=data.questionnaire,
            due_on=data.due_on,
            message=data.message,
            sent_by=user,
            settings=request.app.state.settings,
        )
    except OrganisationNotNamed as exc:
        errors = {"form": exc.message}
        return _form_page(request, session, values=values, errors=errors, status=exc.status_code)
    background.add_task(dispatcher.deliver)
    context = {
        "outcomes": outcomes,
        "sent": sum(1 for outcome in outcomes if outcome.request),
        "title": get_definition(data.questionnaire).definition.title,
    }
    return templates.TemplateResponse(request, "requests/bulk_result.html", context)
