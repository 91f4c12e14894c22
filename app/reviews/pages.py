"""Rendering the vendor's review page and the page that corrects one fact, shared by the pages
and the actions that refuse input."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import utcnow
from app.core.errors import NotFound
from app.core.rows import id_of
from app.core.templating import templates
from app.reports import service as reports_service
from app.reports.domain.facts import CORRECTABLE_FIELDS
from app.reports.models import Document
from app.reviews import vendor_review
from app.reviews.document_views import fact_line, fact_version
from app.reviews.domain import fact_sheet
from app.vendors import service as vendors_service
from app.vendors.models import Vendor


def render_review(
    request: Request,
    session: Session,
    user: User,
    vendor: Vendor,
    *,
    failed: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Render a vendor's review page; when an action was refused, ``failed`` names its form
    ("decision", "override", "cuecs"), which shows what was typed and the errors beside it."""
    page = vendor_review.build_review_page(session, vendor, today=utcnow().date())
    context = {
        "page": page,
        "vendor": vendor,
        "failed": failed,
        "errors": errors or {},
        "values": values or {},
        "today": utcnow().date(),
        "open_document": request.query_params.get("document", ""),
        "can": {p.name: can(user.role, p) for p in Permission},
    }
    return templates.TemplateResponse(request, "reviews/vendor.html", context, status_code=status)


def render_correction(
    request: Request,
    session: Session,
    user: User,
    document: Document,
    field_name: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Render the form that corrects one fact of a document, with what was read beside it."""
    facts = reports_service.get_facts(session, id_of(document))
    if facts is None or field_name not in CORRECTABLE_FIELDS:
        raise NotFound("There is no such fact to correct.")
    vendor = vendors_service.get_vendor(session, document.vendor_id)
    assert vendor is not None
    line = fact_line(facts, field_name)
    shown = line.corrected if line.corrected is not None else line.extracted
    input_type, hint = fact_sheet.correction_input(field_name)
    context = {
        "document": document,
        "vendor": vendor,
        "line": line,
        "version": fact_version(facts, field_name),
        "values": values if values is not None else {"value": "" if shown == "—" else shown},
        "errors": errors or {},
        "input_type": input_type,
        "hint": hint,
        "can_open": can(user.role, Permission.reports_download),
        "back": f"/vendors/{vendor.id}/review?document={document.id}#document-{document.id}",
    }
    return templates.TemplateResponse(
        request, "reviews/correct_fact.html", context, status_code=status
    )
