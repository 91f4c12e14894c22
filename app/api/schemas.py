"""Shapes shared by every API resource: the error body and a page of items."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable reason, e.g. `not_found`.")
    message: str = Field(description="What went wrong, for people.")
    details: dict[str, Any] = Field(description="Extra facts, e.g. the invalid fields.")


class ErrorBody(BaseModel):
    """Every error of the API has this body."""

    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` until it is null."""

    items: list[T]
    total: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="Path and query of the next page, or null.")


class StrictBody(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The body could not be read (e.g. not UTF-8)."),
    401: _error("No valid API token or session."),
    403: _error("The user's role or the token's scopes do not allow this."),
    404: _error("No such object."),
    422: _error("The request is invalid; `details.fields` lists the problems."),
    429: _error("Too many requests; wait `Retry-After` seconds."),
    503: _error("The database is busy or down; retry after `Retry-After` seconds."),
}
JSON_BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    415: _error("The body must be `application/json`."),
}
CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **JSON_BODY_ERRORS,
    409: _error("Conflicting state, or the first request with this Idempotency-Key is running."),
}
# Documents the ETag a GET returns, which a PATCH sends back in If-Match.
ETAG_HEADER: dict[str, Any] = {
    "ETag": {"description": "Send it back in If-Match to update.", "schema": {}}
}
UPDATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **JSON_BODY_ERRORS,
    409: _error("The change conflicts with the object's state."),
    412: _error("If-Match does not match the current ETag: reload and retry."),
    428: _error("If-Match is required: send the ETag from the last GET."),
}
ACTION_ERRORS: dict[int | str, dict[str, Any]] = {
    409: _error("The action is not allowed in the object's current state."),
}
