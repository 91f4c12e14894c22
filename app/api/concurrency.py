"""Optimistic concurrency for the API: ETag on GET, If-Match required on PATCH (RFC 9110)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel

from app.api.errors import PreconditionFailed, PreconditionRequired
from app.core.versions import StaleEdit

TargetT = TypeVar("TargetT")
ViewT = TypeVar("ViewT", bound=BaseModel)

STALE_OBJECT = "The object changed since you read it. GET it again, reapply your change and retry."


def etag_of(view: BaseModel) -> str:
    """Return a strong ETag for what a client sees of an object."""
    digest = hashlib.sha256(view.model_dump_json().encode()).hexdigest()
    return f'"{digest[:32]}"'


def check_if_match(if_match: str | None, current: str) -> None:
    """Refuse a change made without the current ETag: 428 when missing, 412 when stale."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Send If-Match with the ETag of your last GET, so that no change is lost."
        )
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed(STALE_OBJECT, details={"current_etag": current})


def with_etag(view: ViewT, response: Response) -> ViewT:
    """Return the view, with its ETag on the response."""
    response.headers["ETag"] = etag_of(view)
    return view


@dataclass(frozen=True)
class GuardedChange(Generic[TargetT, ViewT]):
    """The object in the path and the ETag the client says it read (If-Match), for one change.

    Routes get it from a dependency and call ``apply``. The check waits for that call, so a bad
    path or body still answers 422 before a missing (428) or stale (412) If-Match does.
    """

    target: TargetT
    view_of: Callable[[TargetT], ViewT]
    if_match: str | None
    response: Response
    # Said when the service finds the row moved after the check (StaleEdit).
    stale_message: str = STALE_OBJECT

    def apply(self, change: Callable[[TargetT], object]) -> ViewT:
        """Check If-Match, make the change, and return the new view with its ETag."""
        check_if_match(self.if_match, etag_of(self.view_of(self.target)))
        try:
            change(self.target)
        except StaleEdit as exc:
            raise PreconditionFailed(self.stale_message, details=exc.details) from None
        return with_etag(self.view_of(self.target), self.response)
