"""The fourth-party register page and its CSV and XLSX exports (staff)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow, writes
from app.core.ratelimit import rate_limit
from app.core.rows import id_of
from app.core.templating import templates
from app.fourth_parties import service
from app.fourth_parties.sheet import register_sheet
from app.reviews import exports

router = APIRouter(tags=["fourth parties"])
ReaderDep = Annotated[User, require(Permission.dashboard_view)]
ExporterDep = Annotated[User, require(Permission.exports_create)]
Format = Literal["csv", "xlsx"]
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/fourth-parties", name="fourth_parties.list")
def register_page(request: Request, session: SessionDep, _user: ReaderDep) -> Response:
    entries = service.register(session)
    return templates.TemplateResponse(request, "fourth_parties/list.html", {"entries": entries})


@router.get(
    "/fourth-parties/export.{fmt}",
    name="fourth_parties.export",
    dependencies=[Depends(rate_limit("export", per="user"))],
)
@writes  # the export is audited
def export_register(session: SessionDep, user: ExporterDep, fmt: Format) -> Response:
    today = utcnow().date()
    entries = service.register(session)
    sheet = register_sheet(entries, service.document_names(session, entries))
    content = exports.to_csv(sheet) if fmt == "csv" else exports.to_xlsx([sheet])
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.review_exported,
        subject_type="export",
        subject_id="fourth-parties",
        data={"format": fmt, "rows": len(sheet.rows)},
    )
    headers = {
        "Content-Disposition": (
            f'attachment; filename="{exports.export_filename("fourth-parties", today, fmt)}"'
        ),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=_MEDIA[fmt], headers=headers)
