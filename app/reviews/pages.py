"""Rendering the vendor's review page, shared by the page and the actions that refuse input."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import utcnow
from app.core.templating import templates
from app.reviews import vendor_review
from app.vendors.models import Vendor


def render_review(
    request: Request,
    session: Session,
    user: User,
    vendor: Vendor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Render a vendor's review page, with form errors when an action was refused."""
    page = vendor_review.build_review_page(session, vendor, today=utcnow().date())
    context = {
        "page": page,
        "vendor": vendor,
        "errors": errors or {},
        "values": values or {},
        "today": utcnow().date(),
        "fields": vendor_review.FIELD_LABELS,
        "can": {p.name: can(user.role, p) for p in Permission},
    }
    return templates.TemplateResponse(request, "reviews/vendor.html", context, status_code=status)
