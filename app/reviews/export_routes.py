"""CSV and XLSX downloads of the dashboard view and of one vendor's review (rate-limited)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
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
from app.reviews import exports, vendor_review
from app.reviews import service as reviews_service
from app.reviews.deps import FiltersDep
from app.reviews.export_sheets import dashboard_sheet, vendor_sheets
from app.vendors.deps import VendorDep

router = APIRouter(dependencies=[Depends(rate_limit("export", per="user"))])
ExporterDep = Annotated[User, require(Permission.exports_create)]
Format = Literal["csv", "xlsx"]
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _attachment(content: bytes, fmt: Format, name: str) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=_MEDIA[fmt], headers=headers)


@router.get("/reviews/export.{fmt}", name="reviews.export_dashboard")
@writes  # the export is audited
def export_dashboard(
    session: SessionDep,
    user: ExporterDep,
    fmt: Format,
    filters: FiltersDep,
) -> Response:
    today = utcnow().date()
    sheet = dashboard_sheet(reviews_service.dashboard_rows(session, filters=filters, today=today))
    content = exports.to_csv(sheet) if fmt == "csv" else exports.to_xlsx([sheet])
    _record(session, user, subject="dashboard", data={"format": fmt, "rows": len(sheet.rows)})
    return _attachment(content, fmt, exports.export_filename("dashboard", today, fmt))


@router.get("/vendors/{vendor_id}/review/export.{fmt}", name="reviews.export_vendor")
@writes  # the export is audited
def export_vendor(
    session: SessionDep, user: ExporterDep, vendor: VendorDep, fmt: Format
) -> Response:
    today = utcnow().date()
    page = vendor_review.build_review_page(session, vendor, today=today)
    sheets = vendor_sheets(page)
    content = exports.to_csv_sections(sheets) if fmt == "csv" else exports.to_xlsx(sheets)
    _record(session, user, subject=f"vendor:{vendor.id}", data={"format": fmt})
    return _attachment(
        content, fmt, exports.export_filename(f"vendor-{vendor.id}-review", today, fmt)
    )


def _record(session: SessionDep, user: User, *, subject: str, data: dict[str, object]) -> None:
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.review_exported,
        subject_type="export",
        subject_id=subject,
        data=dict(data),
    )
