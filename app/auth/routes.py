"""Sign-in (local password or single sign-on) and sign-out pages for staff."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth import mfa, oidc, sso
from app.auth import service as auth_service
from app.auth.deps import OptionalUserDep, session_cookie_name
from app.auth.domain.redirects import landing_path, safe_next
from app.auth.errors import InvalidCredentials, SsoFailed
from app.auth.models import User
from app.auth.throttle import SignInThrottle
from app.core.config import Settings
from app.core.db import SessionDep, writes
from app.core.errors import NotFound
from app.core.keys import encryption_keys
from app.core.ratelimit import client_address, rate_limit
from app.core.rows import id_of
from app.core.templating import templates

router = APIRouter(tags=["auth"])
MFA_PENDING_COOKIE = "diligence_mfa_pending"
SSO_COOKIE_PATH = "/auth/sso"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute or scheme-relative URL would be an open redirect.
    return safe_next(target)


def _login_page(
    request: Request,
    *,
    next_path: str,
    error: str | None = None,
    email: str = "",
    status: int = 200,
) -> Response:
    context = {
        "next": _safe_next(next_path),
        "error": error,
        "email": email,
        "sso_enabled": _settings(request).oidc_enabled,
    }
    return templates.TemplateResponse(request, "auth/login.html", context, status_code=status)


def _signed_in_redirect(request: Request, session: Session, user: User, *, method: str) -> Response:
    settings = _settings(request)
    cookie = session_cookie_name(settings)
    previous = request.cookies.get(cookie)
    if previous:
        # A fresh id at every sign-in: a planted or older cookie never becomes authenticated.
        auth_service.end_session(session, previous)
    lifetime = timedelta(hours=settings.session_absolute_hours)
    token = auth_service.start_session(session, user, method=method, absolute_timeout=lifetime)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        cookie,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.uses_https,
        max_age=int(lifetime.total_seconds()),
        path="/",
    )
    return response


@router.get("/login", name="auth.login_form")
def login_form(request: Request, user: OptionalUserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_path=_safe_next(next))


@router.post("/login", name="auth.login", dependencies=[Depends(rate_limit("login"))])
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    throttle = SignInThrottle(request.app.state.rate_limiter)
    email_key, address = auth_service.normalise_email(email), client_address(request.scope)
    throttle.before_attempt(email_key, address)
    try:
        user = auth_service.authenticate(session, email=email, password=password)
    except InvalidCredentials as exc:
        throttle.failed(email_key, address)
        return _login_page(request, next_path=next, error=exc.message, email=email, status=401)
    throttle.succeeded(email_key, address)
    if user.has_second_factor:
        # The password was right; the session starts only after the code.
        target = request.url_for("auth.mfa_form").path + "?" + urlencode({"next": _safe_next(next)})
        pending = RedirectResponse(target, status_code=303)
        token = mfa.pending_token(_settings(request).signing_key(), id_of(user), now=time.time())
        pending.set_cookie(
            MFA_PENDING_COOKIE,
            token,
            max_age=mfa.PENDING_SECONDS,
            httponly=True,
            samesite="lax",
            secure=_settings(request).uses_https,
            path="/login",
        )
        return pending
    response = _signed_in_redirect(request, session, user, method="password")
    response.headers["location"] = landing_path(user.role.value, next)
    return response


def _mfa_page(request: Request, *, next_path: str, error: str = "", status: int = 200) -> Response:
    context = {"next": _safe_next(next_path), "error": error}
    return templates.TemplateResponse(request, "auth/mfa.html", context, status_code=status)


@router.get("/login/mfa", name="auth.mfa_form")
def mfa_form(request: Request, next: str | None = None) -> Response:
    if request.cookies.get(MFA_PENDING_COOKIE) is None:
        return RedirectResponse(request.url_for("auth.login_form").path, status_code=303)
    return _mfa_page(request, next_path=next or "/")


@router.post("/login/mfa", name="auth.mfa", dependencies=[Depends(rate_limit("login"))])
def mfa_check(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Form(max_length=64)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = _settings(request)
    user_id = mfa.read_pending(
        settings.signing_key(), request.cookies.get(MFA_PENDING_COOKIE), now=time.time()
    )
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        return RedirectResponse(request.url_for("auth.login_form").path, status_code=303)
    throttle = SignInThrottle(request.app.state.rate_limiter)
    address = client_address(request.scope)
    throttle.before_attempt(user.email, address)
    try:
        method = mfa.check_code(
            session, user, code, keys=encryption_keys(settings), now=time.time()
        )
    except InvalidCredentials as exc:
        throttle.failed(user.email, address)
        return _mfa_page(request, next_path=next, error=exc.message, status=401)
    throttle.succeeded(user.email, address)
    response = _signed_in_redirect(request, session, user, method=f"password+{method}")
    response.headers["location"] = landing_path(user.role.value, next)
    response.delete_cookie(MFA_PENDING_COOKIE, path="/login")
    return response


@router.post("/logout", name="auth.logout")
def logout(request: Request, session: SessionDep) -> Response:
    cookie = session_cookie_name(_settings(request))
    token = request.cookies.get(cookie)
    if token:
        auth_service.end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(cookie, path="/", secure=_settings(request).uses_https, httponly=True)
    return response


def _oidc_config(request: Request) -> oidc.OidcClientConfig:
    settings = _settings(request)
    if not settings.oidc_enabled:
        raise NotFound("Single sign-on is not configured.")
    base = settings.base_url.rstrip("/")
    callback = request.url_for("auth.sso_callback")
    secret = settings.oidc_client_secret
    return oidc.OidcClientConfig(
        discovery_url=settings.oidc_discovery_url,
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret else "",
        redirect_uri=f"{base}{callback.path}" if base else str(callback),
    )


@router.get("/auth/sso/start", name="auth.sso_start", dependencies=[Depends(rate_limit("sso"))])
def sso_start(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    config = _oidc_config(request)
    settings = _settings(request)
    try:
        start = oidc.begin_sign_in(
            config, signing_key=settings.signing_key(), next_path=_safe_next(next)
        )
    except SsoFailed as exc:
        return _login_page(request, next_path=next, error=exc.message, status=502)
    response = RedirectResponse(start.authorization_url, status_code=303)
    response.set_cookie(
        oidc.FLOW_COOKIE,
        start.flow_cookie,
        max_age=oidc.FLOW_LIFETIME_SECONDS,
        path=SSO_COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.uses_https,
    )
    return response


@router.get(
    "/auth/sso/callback", name="auth.sso_callback", dependencies=[Depends(rate_limit("sso"))]
)
@writes  # signing in creates a session
def sso_callback(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=500)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    config = _oidc_config(request)
    settings = _settings(request)
    next_path = "/"
    identity = None
    try:
        if error or not code:
            raise SsoFailed("The sign-in provider did not sign you in.")
        flow = oidc.read_flow(
            settings.signing_key(), request.cookies.get(oidc.FLOW_COOKIE), now=time.time()
        )
        next_path = _safe_next(str(flow.get("next", "/")))
        identity = oidc.complete_sign_in(config, flow=flow, code=code, state=state)
        user = sso.sign_in_user(
            session, identity=identity, policy=sso.SsoPolicy.from_settings(settings)
        )
    except SsoFailed as exc:
        if identity is None:  # refused before anyone was known: a wrong state, a replayed code
            sso.record_flow_refusal(
                session, reason=exc.message, address=client_address(request.scope)
            )
        response = _login_page(request, next_path=next_path, error=exc.message, status=400)
    else:
        response = _signed_in_redirect(request, session, user, method="oidc")
        response.headers["location"] = landing_path(user.role.value, next_path)
    response.delete_cookie(oidc.FLOW_COOKIE, path=SSO_COOKIE_PATH)
    return response
