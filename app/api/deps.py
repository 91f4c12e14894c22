"""Dependencies of API routes: the caller, pagination, JSON bodies, If-Match, Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.security import HTTPBearer

from app.api.errors import UnsupportedMediaType
from app.api.idempotency import IdempotentCall, check_key
from app.api.schemas import COMMON_ERRORS, DEFAULT_LIMIT, MAX_LIMIT, Page
from app.audit.actors import user_actor
from app.auth.deps import CurrentUserDep, authorize, check_token_scope
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.rows import id_of

T = TypeVar("T")

# Declares the scheme in the OpenAPI document; the token itself is checked by the route guard.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token (`dlg_t_…`) created on the API tokens page.",
)


API_PREFIX = "/api/v1"


def v1_router(tag: str) -> APIRouter:
    """Return a router for one resource of /api/v1, with the bearer scheme and error bodies."""
    return APIRouter(
        prefix=API_PREFIX,
        tags=[tag],
        responses=COMMON_ERRORS,
        dependencies=[Depends(bearer_scheme)],
    )


def api_user(permission: Permission) -> Any:
    """Return ``Depends(...)`` giving the caller, who must hold the permission (role and token)."""

    def check(request: Request, user: CurrentUserDep) -> User:
        authorize(user, permission)
        check_token_scope(request, permission)
        return user

    return Depends(check)


def require_json(request: Request) -> None:
    """Refuse a request body that is not JSON (415), before it is parsed."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType("Send the body as application/json.")


def require_multipart(request: Request) -> None:
    """Refuse an upload that is not multipart/form-data (415)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise UnsupportedMediaType("Upload the file as multipart/form-data.")


@dataclass(frozen=True)
class OffsetRequest(PageRequest):
    """A page that starts at any offset, for services that take a ``PageRequest``."""

    start: int = 0

    @property
    def offset(self) -> int:
        return self.start


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = (
        DEFAULT_LIMIT
    ),
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> OffsetRequest:
    """Read ``limit`` (at most 200) and ``offset`` from the query string."""
    return OffsetRequest(page=1, size=limit, start=offset)


PageDep = Annotated[OffsetRequest, Depends(page_params)]


def page_of(request: Request, items: list[T], total: int, paging: OffsetRequest) -> Page[T]:
    """Wrap one page of items with the total and the link to the next page."""
    following = paging.offset + paging.size
    next_link = None
    if following < total:
        url = request.url.include_query_params(offset=following, limit=paging.size)
        next_link = f"{url.path}?{url.query}"
    return Page[T](
        items=items, total=total, limit=paging.size, offset=paging.offset, next=next_link
    )


def idempotent_call(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=255,
            description="Send the same key again to replay the first response (kept 24 h).",
        ),
    ] = None,
) -> IdempotentCall:
    """Return the idempotency context of a create (keys belong to the token or the user)."""
    token_id = getattr(request.state, "api_token_id", None)
    owner = f"token:{token_id}" if token_id else user_actor(id_of(user))
    route: Any = request.scope.get("route")
    operation = f"{request.method} {getattr(route, 'path', request.url.path)} {request.url.path}"
    return IdempotentCall(session, owner, check_key(idempotency_key), operation)


IdempotencyDep = Annotated[IdempotentCall, Depends(idempotent_call)]
IfMatchHeader = Annotated[
    str | None, Header(max_length=1000, description="The ETag of your last GET (required).")
]
