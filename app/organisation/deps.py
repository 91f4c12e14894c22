"""Every page knows how the organisation presents itself (the header banner reads it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings
from app.core.db import open_session
from app.organisation import service as organisation_service
from app.organisation.logo import LogoStorage
from app.organisation.service import OrganisationProfile


def get_organisation(request: Request) -> OrganisationProfile:
    """Read the organisation settings once per request and keep them for the templates.

    In a short read session of its own: reading them through the request's session would
    begin its transaction, which for a POST takes SQLite's write lock up front, and routes
    that then queue their write (``run_write``) would wait on their own request.
    """
    cached: OrganisationProfile | None = getattr(request.state, "organisation_profile", None)
    if cached is not None:
        return cached
    settings: Settings = request.app.state.settings
    with open_session(request.app) as session:
        profile = organisation_service.get_profile(session, settings)
    request.state.organisation_profile = profile
    return profile


OrganisationDep = Annotated[OrganisationProfile, Depends(get_organisation)]


async def load_for_staff_pages(request: Request) -> None:
    """Installed on the whole application after the access check: staff pages show a banner
    until the organisation is named. Anonymous, portal and API requests skip the query (and,
    this being async, the hop to a worker thread)."""
    if getattr(request.state, "user", None) is None or request.url.path.startswith("/api/"):
        return
    await run_in_threadpool(get_organisation, request)


def logo_storage(request: Request) -> LogoStorage[object]:
    """Return the document storage the application was wired with, as the logo uses it."""
    storage: LogoStorage[object] = request.app.state.open_storage()
    return storage


LogoStorageDep = Annotated[LogoStorage[object], Depends(logo_storage)]
