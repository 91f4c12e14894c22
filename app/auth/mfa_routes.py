"""The staff account's second factor: enrol (QR code), confirm, and an admin's reset of others."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth import mfa
from app.auth import service as auth_service
from app.auth.deps import require
from app.auth.errors import InvalidCredentials, UnknownUser
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.errors import Conflict, PermissionDenied
from app.core.keys import encryption_keys
from app.core.templating import templates

router = APIRouter()
StaffDep = Annotated[User, require(Permission.dashboard_view)]
AdminDep = Annotated[User, require(Permission.users_manage)]


def _keys(request: Request) -> list[bytes]:
    return encryption_keys(request.app.state.settings)


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    error: str = "",
    notice: str = "",
    recovery_codes: list[str] | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, object] = {
        "account": user,
        "error": error,
        "notice": notice,
        "recovery_codes": recovery_codes or [],
        "codes_left": len(user.recovery_code_hashes or []),
        "is_admin": user.role.value == "admin",
        "required": mfa.mfa_required(
            user, admins_must_enrol=request.app.state.settings.require_mfa_for_admins
        ),
    }
    if not user.has_second_factor and user.password_hash is not None:
        secret = mfa.start_enrolment(session, user, _keys(request))
        context |= {"secret": secret, "qr_code": mfa.qr_code(user, secret)}
    return templates.TemplateResponse(request, "auth/mfa_account.html", context, status_code=status)


@router.get("/account/mfa", name="auth.mfa_account")
def mfa_account(request: Request, session: SessionDep, user: StaffDep) -> Response:
    return _page(request, session, user, notice=request.query_params.get("notice", ""))


@router.post("/account/mfa", name="auth.mfa_confirm")
def mfa_confirm(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    code: Annotated[str, Form(max_length=16)],
) -> Response:
    try:
        codes = mfa.confirm_enrolment(session, user, code, keys=_keys(request), now=time.time())
    except InvalidCredentials as exc:
        return _page(request, session, user, error=exc.message, status=422)
    return _page(request, session, user, recovery_codes=codes)


@router.post("/account/mfa/reset", name="auth.mfa_reset")
def mfa_reset(
    request: Request,
    session: SessionDep,
    admin: AdminDep,
    email: Annotated[str, Form(max_length=320)],
) -> Response:
    try:
        target = auth_service.get_user_by_email(session, email)
        if target is None:
            raise UnknownUser("There is no account with that e-mail address.")
        mfa.reset(session, target, by=admin)
    except (UnknownUser, PermissionDenied, Conflict) as exc:
        return _page(request, session, admin, error=exc.message, status=422)
    notice = f"The second factor of {target.email} was removed; they can set up a new one."
    target_url = request.url_for("auth.mfa_account").include_query_params(notice=notice)
    return RedirectResponse(str(target_url.path) + "?" + target_url.query, status_code=303)
