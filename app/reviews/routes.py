"""The home page: a welcome for visitors, the dashboard for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.auth.deps import OptionalUserDep
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.templating import templates
from app.reviews import service as reviews_service

router = APIRouter(tags=["reviews"])


@router.get("/", name="reviews.dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    user: OptionalUserDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    if user is None:
        return templates.TemplateResponse(request, "home.html", {"user": None})
    rows = reviews_service.dashboard(session, page=PageRequest.of(page), search=q)
    context = {"user": user, "rows": rows, "q": q}
    return templates.TemplateResponse(request, "reviews/dashboard.html", context)
