"""The upload gate's check for staff and API uploads: who may upload, before the body is read."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import HTTPConnection

from app.auth import service as auth_service
from app.auth import tokens as api_tokens
from app.auth.deps import bearer_token, session_cookie_name
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.config import Settings
from app.core.db import open_session
from app.core.upload_gate import Refusal

NOT_SIGNED_IN = Refusal(401, "Sign in, or send an API token, to upload reports.")
NOT_ALLOWED = Refusal(403, "Your role, or this API token's scopes, do not allow uploading reports.")


def check_report_upload(connection: HTTPConnection) -> Refusal | str:
    """Let an upload through only from a staff user, or an API token, allowed to upload reports.

    The same rules as the route's own checks: a bearer token (under /api/) never falls back to
    the session cookie, and a token must carry the permission in its scopes too.
    """
    settings: Settings = connection.app.state.settings
    bearer = bearer_token(connection)
    with open_session(connection.app) as session:  # read only: nothing here is committed
        if bearer is not None:
            principal = api_tokens.resolve_token(session, bearer)
            if principal is None:
                return NOT_SIGNED_IN
            allowed = Permission.reports_upload in principal.scopes
            return _uploader(principal.user) if allowed else NOT_ALLOWED
        cookie = connection.cookies.get(session_cookie_name(settings))
        idle = timedelta(minutes=settings.session_idle_minutes)
        user = auth_service.resolve_session(session, cookie, idle_timeout=idle) if cookie else None
        if user is None:
            return NOT_SIGNED_IN
        return _uploader(user)


def _uploader(user: User) -> Refusal | str:
    """Return the key the user's uploads count under, or why the user may not upload."""
    if user.is_active and can(user.role, Permission.reports_upload):
        return f"user:{user.id}"
    return NOT_ALLOWED
