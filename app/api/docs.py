"""Interactive API documentation that works offline (Swagger UI served from /static/vendor).

The OpenAPI document is public in development and test; in production it is served to
signed-in staff and API-token holders only, so the docs page works there too.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.auth.deps import OptionalUserDep
from app.core.errors import NotAuthenticated
from app.core.security import PAGE_CSP
from app.core.templating import templates

router = APIRouter()
OPENAPI_PATH = "/api/v1/openapi.json"
# Swagger UI draws its icons from data: URIs; scripts stay same-origin only.
DOCS_CSP = f"{PAGE_CSP}; img-src 'self' data:"


def _may_read(request: Request, user: object | None) -> bool:
    return user is not None or not request.app.state.settings.is_production


@router.get(OPENAPI_PATH, name="api.openapi", include_in_schema=False)
def openapi_document(request: Request, user: OptionalUserDep) -> Response:
    """Describe the API; in production only to a signed-in user or an API token."""
    if not _may_read(request, user):
        raise NotAuthenticated("Sign in, or send an API token, to read the API description.")
    return JSONResponse(request.app.openapi())


@router.get("/api/v1/docs", name="api.docs", include_in_schema=False)
def api_docs(request: Request, user: OptionalUserDep) -> Response:
    """Show the interactive documentation of the API."""
    context = {"spec_url": OPENAPI_PATH if _may_read(request, user) else ""}
    response = templates.TemplateResponse(request, "api/docs.html", context)
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
