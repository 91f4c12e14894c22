"""Resolve the vendor's portal session; the request always comes from the session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from app.core.db import SessionDep
from app.core.errors import DiligenceError
from app.portal import service as portal_service
from app.requests.models import QuestionnaireRequest

PORTAL_COOKIE = "dlg_portal"
SECURE_PORTAL_COOKIE = "__Host-dlg_portal"


class PortalSessionEnded(DiligenceError):
    status_code = 401
    code = "portal_session_ended"
    title = "Please open your link again"


def portal_cookie_name(request: HTTPConnection) -> str:
    """Use the __Host- prefix whenever the site is served over HTTPS."""
    base_url: str = request.app.state.settings.public_base_url
    return SECURE_PORTAL_COOKIE if base_url.startswith("https://") else PORTAL_COOKIE


def get_portal_request(request: Request, session: SessionDep) -> QuestionnaireRequest:
    """Return the request of the current portal session, or ask to reopen the link."""
    cookie = request.cookies.get(portal_cookie_name(request))
    found = portal_service.resolve(session, cookie) if cookie else None
    if found is None:
        raise PortalSessionEnded(
            "Your session ended or was never started. Open the link from your e-mail again."
        )
    return found


PortalRequestDep = Annotated[QuestionnaireRequest, Depends(get_portal_request)]
