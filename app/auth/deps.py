"""Dependencies that resolve the signed-in staff user and enforce the permission table."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from app.auth import mfa
from app.auth import service as auth_service
from app.auth import tokens as api_tokens
from app.auth.models import Role, User
from app.auth.permissions import Audience, Permission, access_for, can
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.errors import NotAuthenticated, NotFound, PermissionDenied
from app.core.rows import id_of

logger = logging.getLogger(__name__)

SESSION_COOKIE = "diligence_session"
# Under HTTPS the prefix makes browsers refuse the cookie unless Secure, Path=/ and host-only.
SECURE_SESSION_COOKIE = "__Host-diligence_session"
# Where an admin who must enrol a second factor may still go.
_ENROLMENT_ROUTES = frozenset({"auth.mfa_account", "auth.mfa_confirm", "auth.logout"})


class SecondFactorRequired(PermissionDenied):
    """An admin without a second factor, when the deployment requires one: go and enrol."""

    redirect_to = "/account/mfa"


# Bearer API tokens authenticate only here; pages keep to the session cookie.
API_PATH_PREFIX = "/api/"


def session_cookie_name(settings: Settings) -> str:
    """Return the session cookie's name for this deployment."""
    return SECURE_SESSION_COOKIE if settings.uses_https else SESSION_COOKIE


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class SignedInUser:
    """What pages show about the signed-in user; safe to read after the request's session ends.

    Error pages render after the session has rolled back and expired every row, so templates
    get this copy (as ``user``) rather than the ``User`` row.
    """

    id: int
    email: str
    full_name: str
    role: Role


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    """Return the signed-in user, or None for an anonymous visitor (resolved once per request)."""
    if getattr(request.state, "user_resolved", False):
        cached: User | None = request.state.staff_user
        return cached
    settings = _settings(request)
    token = request.cookies.get(session_cookie_name(settings))
    bearer = bearer_token(request)
    user = None
    if bearer is not None:
        user = _token_user(request, session, bearer)
    elif token:
        idle = timedelta(minutes=settings.session_idle_minutes)
        user = auth_service.resolve_session(session, token, idle_timeout=idle)
    request.state.staff_user = user
    request.state.user = (
        SignedInUser(id=id_of(user), email=user.email, full_name=user.full_name, role=user.role)
        if user is not None
        else None
    )
    request.state.user_resolved = True
    return user


OptionalUserDep = Annotated[User | None, Depends(get_optional_user)]


def bearer_token(connection: HTTPConnection) -> str | None:
    """Return the API token the request presents (only under /api/), else None."""
    if not connection.url.path.startswith(API_PATH_PREFIX):
        return None
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _token_user(request: Request, session: SessionDep, bearer: str) -> User | None:
    principal = api_tokens.resolve_token(session, bearer)
    # An unusable token is refused outright: it never falls back to a session cookie.
    request.state.api_token_id = principal.token_id if principal else None
    request.state.token_scopes = principal.scopes if principal else frozenset()
    return principal.user if principal else None


def check_token_scope(request: Request, permission: Permission) -> None:
    """Refuse when the request's API token does not carry the permission (no-op for cookies)."""
    scopes: frozenset[Permission] | None = getattr(request.state, "token_scopes", None)
    if scopes is not None and permission not in scopes:
        logger.warning("authz.denied token=%s needs=%s", request.state.api_token_id, permission)
        raise PermissionDenied("This API token's scopes do not allow this.")


def get_current_user(user: OptionalUserDep) -> User:
    """Return the signed-in user or refuse the request."""
    if user is None:
        raise NotAuthenticated("please sign in to continue")
    return user


CurrentUserDep = Annotated[User, Depends(get_current_user)]


def authorize(user: User, permission: Permission, *, hide: bool = False) -> None:
    """Refuse when the user's role lacks the permission; ``hide`` answers 404 instead of 403.

    Use ``hide=True`` for object-level checks so that a refusal does not reveal that the
    object exists.
    """
    if can(user.role, permission):
        return
    logger.warning("authz.denied user=%s role=%s needs=%s", user.id, user.role, permission)
    if hide:
        raise NotFound("There is nothing here.")
    raise PermissionDenied("Your role does not allow this.")


async def enforce_route_access(request: Request, session: SessionDep) -> None:
    """Check the permission table for the matched route; installed on the whole application.

    Async, so that routes open to an audience (the portal, sign-in, health) take no worker
    thread for it; only a staff route's user lookup, which queries, runs on one.
    """
    route: Any = request.scope.get("route")
    name = getattr(route, "name", None)
    access = access_for(name, getattr(route, "path", request.url.path))
    if access is None:
        logger.error("route %s (%s) is missing from the permission table", name, request.url.path)
        raise PermissionDenied("This page is not available.")
    if isinstance(access, Audience):
        return
    await run_in_threadpool(_check_staff_access, request, session, access, name)


def _check_staff_access(
    request: Request, session: Session, access: Permission, route_name: str | None
) -> None:
    user = get_optional_user(request, session)
    if user is None:
        raise NotAuthenticated("please sign in to continue")
    authorize(user, access)
    check_token_scope(request, access)
    uses_cookie = getattr(request.state, "token_scopes", None) is None
    must_enrol = mfa.mfa_required(user, admins_must_enrol=_settings(request).require_mfa_for_admins)
    if must_enrol and uses_cookie and route_name not in _ENROLMENT_ROUTES:
        raise SecondFactorRequired("Set up a second factor first.")


def require(permission: Permission) -> Any:
    """Return ``Depends(...)`` giving the signed-in user who holds the permission.

    ``user: Annotated[User, require(Permission.vendors_read)]`` in a handler's signature.
    """

    def check(user: CurrentUserDep) -> User:
        authorize(user, permission)
        return user

    return Depends(check)


def require_roles(*roles: Role) -> Callable[[User], User]:
    """Build a dependency that admits only the given roles (admins always pass).

    Prefer ``require(Permission.x)``: roles are mapped to permissions in one table.
    """

    def check(user: CurrentUserDep) -> User:
        if user.role is not Role.admin and user.role not in roles:
            raise PermissionDenied("your role does not allow this")
        return user

    return check
