"""Turn errors into an HTML page, or a JSON body under /api/."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core import security_events
from app.core.errors import DiligenceError, NotAuthenticated, ServiceUnavailable
from app.core.templating import templates

logger = logging.getLogger(__name__)
# Refusals that belong in the audit trail: a denial, and a link used after it ended.
_SECURITY_EVENTS = {403: security_events.ACCESS_DENIED, 410: security_events.EXPIRED_LINK_USED}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page_address(request: Request) -> str:
    """Return the path (and query) of the page the person is on, to come back to it."""
    # A fragment asked for by htmx names the page it was asked from; only its path is kept.
    current = urlsplit(request.headers.get("hx-current-url", ""))
    url = current if current.path else urlsplit(str(request.url))
    return url.path + (f"?{url.query}" if url.query else "")


def _render(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> Response:
    if _wants_json(request):
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        return JSONResponse(body, status_code=status)
    context = {"status": status, "title": title, "message": message}
    return templates.TemplateResponse(request, "errors/error.html", context, status_code=status)


async def handle_diligence_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DiligenceError)
    if isinstance(exc, NotAuthenticated) and not _wants_json(request):
        sign_in = f"/login?next={quote(_page_address(request))}"
        if "hx-request" in request.headers:
            # htmx would follow a redirect and swap the sign-in page into a fragment of the
            # page: it sends the whole browser there instead when told so.
            return Response(status_code=401, headers={"HX-Redirect": sign_in})
        return RedirectResponse(sign_in, status_code=303)
    # A refusal that says where to go instead (e.g. to enrol a second factor) sends pages there.
    redirect_to = getattr(exc, "redirect_to", None)
    if isinstance(redirect_to, str) and not _wants_json(request):
        return RedirectResponse(redirect_to, status_code=303)
    log = logger.error if exc.status_code >= 500 else logger.info
    log("%s %s -> %s %s", request.method, request.url.path, exc.status_code, exc.code)
    kind = _SECURITY_EVENTS.get(exc.status_code)
    if kind is not None:
        await security_events.report(request.scope, kind, code=exc.code)
    return _render(
        request,
        status=exc.status_code,
        code=exc.code,
        title=exc.title,
        message=exc.message,
        details=exc.details,
    )


async def handle_database_down(request: Request, exc: Exception) -> Response:
    logger.error("database unavailable on %s: %s: %s", request.url.path, type(exc).__name__, exc)
    err = ServiceUnavailable("The database is not reachable right now. Please try again shortly.")
    response = _render(request, status=503, code=err.code, title=err.title, message=err.message)
    response.headers["Retry-After"] = "5"
    return response


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    return _render(
        request,
        status=exc.status_code,
        code=f"http_{exc.status_code}",
        title="Not found" if exc.status_code == 404 else "Request failed",
        message=message,
    )


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors()
    ]
    return _render(
        request,
        status=422,
        code="invalid_input",
        title="Please check your input",
        message="Some fields are missing or invalid.",
        details={"fields": problems},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the application."""
    app.add_exception_handler(DiligenceError, handle_diligence_error)
    app.add_exception_handler(OperationalError, handle_database_down)
    app.add_exception_handler(InterfaceError, handle_database_down)
    app.add_exception_handler(PoolTimeoutError, handle_database_down)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
