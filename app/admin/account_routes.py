"""Pages every person uses for their own account: change one's password, and the one-time
link that sets the first password (invitation) or a new one (reset)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.admin import service as admin_service
from app.auth import service as auth_service
from app.auth.deps import require, session_cookie_name
from app.auth.errors import PasswordChangeRefused, WeakPassword
from app.auth.models import User
from app.auth.passwords import PASSWORDS_DIFFER, check_password_policy
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.forms import FormState, as_sentence
from app.core.ratelimit import rate_limit
from app.core.templating import templates

router = APIRouter(tags=["account"])
# Every staff role holds dashboard.view: each person changes their own password.
StaffDep = Annotated[User, require(Permission.dashboard_view)]
Secret = Annotated[str, Form(max_length=1024)]
NOT_THE_SAME = PASSWORDS_DIFFER.capitalize() + "."


def _password_page(
    request: Request, form: FormState, *, saved: bool = False, status: int = 200
) -> Response:
    context = {"errors": form.errors, "saved": saved, "values": form.values}
    return templates.TemplateResponse(
        request, "admin/change_password.html", context, status_code=status
    )


@router.get("/account/password", name="account.password_form")
def password_form(request: Request, saved: bool = False) -> Response:
    return _password_page(request, FormState(), saved=saved)


@router.post(
    "/account/password",
    name="account.change_password",
    dependencies=[Depends(rate_limit("password_change", per="user"))],
)
def change_password(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    current: Secret = "",
    password: Secret = "",
    confirm: Secret = "",
) -> Response:
    cookie = request.cookies.get(session_cookie_name(request.app.state.settings))
    try:
        auth_service.change_password(
            session,
            user=user,
            current=current,
            new=password,
            confirmation=confirm,
            keep_session=cookie,
        )
    except PasswordChangeRefused as exc:
        # Every problem beside its field; passwords are never shown again, so no values.
        errors = {name: as_sentence(message) for name, message in exc.problems.items()}
        return _password_page(request, FormState(errors=errors), status=422)
    return RedirectResponse("/account/password?saved=true", status_code=303)


def _link_page(
    request: Request, user: User, token: str, errors: dict[str, str], status: int = 200
) -> Response:
    context = {"person": user, "token": token, "errors": errors, "values": {}}
    response = templates.TemplateResponse(
        request, "admin/set_password.html", context, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/welcome/{token}", name="account.link_form")
def link_form(request: Request, session: SessionDep, token: str) -> Response:
    # No side effects: mail scanners open links; setting the password takes a POST.
    person = admin_service.check_link(session, token)
    return _link_page(request, person, token, {})


@router.post("/welcome/{token}", name="account.link_set_password")
def link_set_password(
    request: Request, session: SessionDep, token: str, password: Secret = "", confirm: Secret = ""
) -> Response:
    person = admin_service.check_link(session, token)
    # Both problems at once: a weak password and a confirmation that differs.
    errors: dict[str, str] = {}
    try:
        check_password_policy(password, email=person.email)
    except WeakPassword as exc:
        errors["password"] = as_sentence(exc.message)
    if password != confirm:
        errors["confirm"] = NOT_THE_SAME
    if errors:
        return _link_page(request, person, token, errors, status=422)
    try:
        admin_service.set_password_with_link(session, token, password)
    except WeakPassword as exc:
        errors = {"password": as_sentence(exc.message)}
        return _link_page(request, person, token, errors, status=422)
    return RedirectResponse("/login?password_set=true", status_code=303)
