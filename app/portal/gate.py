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


def portal_request_id(connection: HTTPConnection) -> int | None:
    """Return the request of the caller's live portal session whose link still works."""
    cookie = connection.cookies.get(portal_cookie_name(connection))
    if not cookie:
        return None
    with open_session(connection.app) as session:
        try:
            found = portal_service.resolve(session, cookie)
        except DiligenceError:
            return None
        return found.id if found is not None else None


def check_portal_upload(connection: HTTPConnection) -> Refusal | str:
    """Let an upload through only within a live portal session; count it per request."""
    request_id = portal_request_id(connection)
    return SESSION_ENDED if request_id is None else f"portal:{request_id}"
