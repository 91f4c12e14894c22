"""Interactive API documentation that works offline (Swagger UI served from /static/vendor)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.core.security import PAGE_CSP
from app.core.templating import templates

router = APIRouter()
# Swagger UI draws its icons from data: URIs; scripts stay same-origin only.
DOCS_CSP = f"{PAGE_CSP}; img-src 'self' data:"


@router.get("/api/v1/docs", name="api.docs", include_in_schema=False)
def api_docs(request: Request) -> Response:
    """Show the interactive documentation of the API."""
    response = templates.TemplateResponse(request, "api/docs.html", {})
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
