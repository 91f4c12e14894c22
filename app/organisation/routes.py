"""The administrator's organisation settings page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.errors import NotFound
from app.core.forms import form_errors, parse_form
from app.core.rows import id_of
from app.core.templating import templates
from app.organisation import logo as logo_service
from app.organisation import service as organisation_service
from app.organisation.deps import LogoStorageDep
from app.organisation.domain.logo import EXTENSIONS, MAX_LOGO_BYTES, LogoRefused
from app.organisation.schemas import OrganisationForm
from app.organisation.service import LOGO_ROUTE

router = APIRouter(tags=["organisation"])
AdminDep = Annotated[User, require(Permission.organisation_manage)]
# Named by its content, so cached for good; served as an image only, never as a document.
LOGO_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


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


@router.post("/admin/organisation/logo", name="organisation.logo_upload")
async def logo_upload(
    request: Request,
    session: SessionDep,
    user: AdminDep,
    storage: LogoStorageDep,
    logo: UploadFile,
) -> Response:
    # One byte over the limit is enough to refuse; the rest is never read.
    data = await logo.read(MAX_LOGO_BYTES + 1)
    try:
        logo_service.set_logo(
            session, storage, data=data, actor=user_actor(id_of(user)), user_id=user.id
        )
    except LogoRefused as exc:
        values = organisation_service.form_values(session, request.app.state.settings)
        return _page(request, values, {"logo": str(exc)}, status=422)
    return RedirectResponse("/admin/organisation?saved=true", status_code=303)


@router.post("/admin/organisation/logo/remove", name="organisation.logo_remove")
def logo_remove(session: SessionDep, user: AdminDep) -> Response:
    logo_service.remove_logo(session, actor=user_actor(id_of(user)), user_id=user.id)
    return RedirectResponse("/admin/organisation?saved=true", status_code=303)


@router.get(LOGO_ROUTE + "/{filename}", name="organisation.logo")
def logo_file(session: SessionDep, storage: LogoStorageDep, filename: str) -> Response:
    name, _, extension = filename.partition(".")
    found = logo_service.read_logo(session, storage, name=name)
    if found is None or EXTENSIONS[found.media_type] != extension:
        raise NotFound("There is no such logo.")
    return Response(found.content, media_type=found.media_type, headers=LOGO_HEADERS)
