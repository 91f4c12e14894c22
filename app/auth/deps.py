"""Dependencies that resolve the signed-in staff user and check roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from app.auth import service as auth_service
from app.auth.models import Role, User
from app.core.db import SessionDep
from app.core.errors import NotAuthenticated, PermissionDenied

SESSION_COOKIE = "diligence_session"


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    """Return the signed-in user, or None for an anonymous visitor."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user = auth_service.resolve_session(session, token)
    request.state.user = user
    return user


OptionalUserDep = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUserDep) -> User:
    """Return the signed-in user or refuse the request."""
    if user is None:
        raise NotAuthenticated("please sign in to continue")
    return user


CurrentUserDep = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """Build a dependency that admits only the given roles (admins always pass)."""

    def check(user: CurrentUserDep) -> User:
        if user.role is not Role.admin and user.role not in roles:
            raise PermissionDenied("your role does not allow this")
        return user

    return check
