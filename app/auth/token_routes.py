"""The staff page where people create and revoke their API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.audit.actors import user_actor
from app.auth import tokens as tokens_service
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission, can
from app.core.db import SessionDep, utcnow
from app.core.errors import InvalidInput
from app.core.forms import FormState, input_errors, typed_values
from app.core.rows import id_of
from app.core.templating import templates

router = APIRouter(tags=["api tokens"])
# Every staff role holds dashboard.view: each person manages the tokens that act as them.
StaffDep = Annotated[User, require(Permission.dashboard_view)]
MAX_EXPIRY_DAYS = 366
NEW_TOKEN_FORM = FormState({"expires_in_days": "90", "access": "role"})


def _render(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    new_token: str | None = None,
    form: FormState = NEW_TOKEN_FORM,
) -> Response:
    is_manager = can(user.role, Permission.users_manage)
    held = ROLE_PERMISSIONS.get(user.role, frozenset())
    context = {
        "tokens": tokens_service.list_tokens(session, user_id=None if is_manager else user.id),
        "is_manager": is_manager,
        "permissions": [(p.value, PERMISSION_LABELS[p]) for p in sorted(held)],
        "permission_labels": {p.value: label for p, label in PERMISSION_LABELS.items()},
        "new_token": new_token,
        "values": form.values,
        "errors": form.errors,
        "now": utcnow(),
        "max_expiry_days": MAX_EXPIRY_DAYS,
    }
    status = 422 if form.errors else 200
    return templates.TemplateResponse(request, "api/tokens.html", context, status_code=status)


@router.get("/account/api-tokens", name="api_tokens.list")
def token_list(request: Request, session: SessionDep, user: StaffDep) -> Response:
    return _render(request, session, user)


def _expiry_days(raw: str) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_EXPIRY_DAYS:
        raise InvalidInput(
            f"Enter a number of days from 1 to {MAX_EXPIRY_DAYS}, or leave it empty.",
            field="expires_in_days",
        )
    return int(raw)


def _scopes(choice: str, names: list[str]) -> list[Permission] | None:
    if choice != "scopes":
        return None
    known = {p.value: p for p in Permission}
    return [known[name] for name in names if name in known]


@router.post("/account/api-tokens", name="api_tokens.create")
async def token_create(request: Request, session: SessionDep, user: StaffDep) -> Response:
    form = await request.form()
    try:
        days = _expiry_days(str(form.get("expires_in_days") or ""))
        scopes = _scopes(str(form.get("access") or "role"), [str(v) for v in form.getlist("scope")])
        _token, value = tokens_service.create_token(
            session,
            user=user,
            name=str(form.get("name") or "")[:200],
            scopes=scopes,
            expires_at=utcnow() + timedelta(days=days) if days else None,
            actor=user_actor(id_of(user)),
        )
    except InvalidInput as exc:
        typed = typed_values(form, lists=("scope",))
        return _render(request, session, user, form=FormState(typed, input_errors(exc)))
    # Rendered, not redirected: the value appears once, and never in a URL or the history.
    return _render(request, session, user, new_token=value)


@router.post("/account/api-tokens/{token_id}/revoke", name="api_tokens.revoke")
def token_revoke(session: SessionDep, user: StaffDep, token_id: int) -> Response:
    tokens_service.revoke_token(session, token_id=token_id, actor=user)
    return RedirectResponse("/account/api-tokens?revoked=1", status_code=303)
