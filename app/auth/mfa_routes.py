"""The staff account's second factor: enrol (QR code) and confirm.

An admin resets someone else's from the people page (``app.admin.routes``).
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth import mfa
from app.auth.deps import require
from app.auth.errors import InvalidCredentials
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.keys import encryption_keys
from app.core.templating import templates

router = APIRouter()
StaffDep = Annotated[User, require(Permission.dashboard_view)]


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
