"""Administration pages: the people who use Diligence and their roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.admin import service as admin_service
from app.admin.schemas import InviteForm
from app.auth.deps import require
from app.auth.errors import UserExists
from app.auth.models import Role, User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.forms import form_errors, parse_form
from app.core.templating import templates
from app.mail.deps import MailDispatcherDep

router = APIRouter(tags=["administration"])
AdminDep = Annotated[User, require(Permission.users_manage)]
NOTES = {
    "invited": "Invitation sent.",
    "reset": "A link to choose a new password was sent.",
    "role": "Role changed; it applies from the person's next page.",
    "disabled": "Account disabled; its sessions ended at once.",
    "enabled": "Account enabled; the person can sign in again.",
    "second_factor": (
        "Second factor reset and the person's sessions ended; they were told by e-mail. They "
        "sign in with their password and set up a new second factor."
    ),
}


def _page(
    request: Request,
    session: SessionDep,
    *,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    issued: admin_service.IssuedLink | None = None,
    note: str = "",
    status: int = 200,
) -> Response:
    context = {
        "rows": admin_service.list_users(session),
        "roles": list(Role),
        "values": values or {"role": Role.procurement.value},
        "errors": errors or {},
        "issued": issued,
        "note": NOTES.get(note, ""),
    }
    return templates.TemplateResponse(request, "admin/users.html", context, status_code=status)


@router.get("/admin/users", name="admin.users")
def users(request: Request, session: SessionDep, done: str = "") -> Response:
    return _page(request, session, note=done)


@router.post("/admin/users", name="admin.invite")
async def invite(
    request: Request,
    session: SessionDep,
    user: AdminDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    form = await request.form()
    values: dict[str, object] = {k: form.get(k, "") for k in InviteForm.model_fields}
    try:
        data = parse_form(InviteForm, form)
        issued = admin_service.invite(session, data, by=user, settings=request.app.state.settings)
    except ValidationError as exc:
        return _page(request, session, values=values, errors=form_errors(exc), status=422)
    except UserExists:
        errors = {"email": "Someone with this e-mail address already has an account."}
        return _page(request, session, values=values, errors=errors, status=422)
    background.add_task(dispatcher.deliver)
    # The link is shown once, for teams whose mail is not set up yet.
    return _page(request, session, issued=issued, note="invited")


@router.post("/admin/users/{user_id}/reset", name="admin.reset")
def reset(
    request: Request,
    session: SessionDep,
    user: AdminDep,
    user_id: int,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    settings = request.app.state.settings
    issued = admin_service.send_reset_link(session, user_id, by=user, settings=settings)
    background.add_task(dispatcher.deliver)
    return _page(request, session, issued=issued, note="reset")


@router.post("/admin/users/{user_id}/role", name="admin.change_role")
def change_role(
    session: SessionDep, user: AdminDep, user_id: int, role: Annotated[Role, Form()]
) -> Response:
    admin_service.change_role(session, user_id, role, by=user)
    return RedirectResponse("/admin/users?done=role", status_code=303)


@router.post("/admin/users/{user_id}/disable", name="admin.disable")
def disable(session: SessionDep, user: AdminDep, user_id: int) -> Response:
    admin_service.disable(session, user_id, by=user)
    return RedirectResponse("/admin/users?done=disabled", status_code=303)


@router.post("/admin/users/{user_id}/enable", name="admin.enable")
def enable(session: SessionDep, user: AdminDep, user_id: int) -> Response:
    admin_service.enable(session, user_id, by=user)
    return RedirectResponse("/admin/users?done=enabled", status_code=303)


@router.get("/admin/users/{user_id}/second-factor", name="admin.second_factor_form")
def second_factor_form(
    request: Request, session: SessionDep, user: AdminDep, user_id: int
) -> Response:
    person = admin_service.second_factor_target(session, user_id, by=user)
    return templates.TemplateResponse(request, "admin/reset_second_factor.html", {"person": person})


@router.post("/admin/users/{user_id}/second-factor", name="admin.reset_second_factor")
def reset_second_factor(
    request: Request,
    session: SessionDep,
    user: AdminDep,
    user_id: int,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    settings = request.app.state.settings
    admin_service.reset_second_factor(session, user_id, by=user, settings=settings)
    background.add_task(dispatcher.deliver)
    return RedirectResponse("/admin/users?done=second_factor", status_code=303)
