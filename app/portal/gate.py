"""The upload gate's check for the vendor portal: a live portal session, before the body."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from app.core.db import open_session
from app.core.errors import DiligenceError
from app.core.upload_gate import Refusal
from app.portal import service as portal_service
from app.portal.deps import portal_cookie_name

SESSION_ENDED = Refusal(
    401, "Your session ended. Open the link from your e-mail again, then upload the file."
)


def has_portal_session(connection: HTTPConnection) -> bool:
    """Tell whether the caller holds a live portal session whose link still works."""
    cookie = connection.cookies.get(portal_cookie_name(connection))
    if not cookie:
        return False
    with open_session(connection.app) as session:
        try:
            return portal_service.resolve(session, cookie) is not None
        except DiligenceError:
            return False


def check_portal_upload(connection: HTTPConnection) -> Refusal | None:
    """Let an upload through only within a live portal session."""
    return None if has_portal_session(connection) else SESSION_ENDED
