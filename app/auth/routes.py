"""Sign-in and sign-out pages for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import service as auth_service
from app.auth.deps import SESSION_COOKIE, OptionalUserDep
from app.auth.errors import InvalidCredentials
from app.core.db import SessionDep
from app.core.templating import templates

router = APIRouter(tags=["auth"])


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute or scheme-relative URL would be an open redirect.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", name="auth.login_form")
def login_form(request: Request, user: OptionalUserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    context = {"next": _safe_next(next), "error": None, "email": ""}
    return templates.TemplateResponse(request, "auth/login.html", context)


@router.post("/login", name="auth.login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        user = auth_service.authenticate(session, email=email, password=password)
    except InvalidCredentials as exc:
        context = {"next": _safe_next(next), "error": exc.message, "email": email}
        return templates.TemplateResponse(request, "auth/login.html", context, status_code=401)
    token = auth_service.start_session(session, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.public_base_url.startswith("https://"),
        max_age=int(auth_service.SESSION_ABSOLUTE_TIMEOUT.total_seconds()),
    )
    return response


@router.post("/logout", name="auth.logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth_service.end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
