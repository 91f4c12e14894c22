"""The administrator's organisation settings page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.forms import form_errors, parse_form
from app.core.rows import id_of
from app.core.templating import templates
from app.organisation import service as organisation_service
from app.organisation.schemas import OrganisationForm

router = APIRouter(tags=["organisation"])
AdminDep = Annotated[User, require(Permission.organisation_manage)]


def _page(
    request: Request,
    values: dict[str, object],
    errors: dict[str, str],
    *,
    saved: bool = False,
    status: int = 200,
) -> Response:
    context = {"values": values, "errors": errors, "saved": saved}
    return templates.TemplateResponse(
        request, "organisation/settings.html", context, status_code=status
    )


@router.get("/admin/organisation", name="organisation.settings")
def settings_form(request: Request, session: SessionDep, saved: bool = False) -> Response:
    values = organisation_service.form_values(session, request.app.state.settings)
    return _page(request, values, {}, saved=saved)


@router.post("/admin/organisation", name="organisation.save")
async def settings_save(request: Request, session: SessionDep, user: AdminDep) -> Response:
    form = await request.form()
    try:
        data = parse_form(OrganisationForm, form)
    except ValidationError as exc:
        values: dict[str, object] = {k: form.get(k, "") for k in OrganisationForm.model_fields}
        return _page(request, values, form_errors(exc), status=422)
    organisation_service.save_settings(
        session, data, actor=user_actor(id_of(user)), user_id=user.id
    )
    return RedirectResponse("/admin/organisation?saved=true", status_code=303)
