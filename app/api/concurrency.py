"""Optimistic concurrency for the API: ETag on GET, If-Match required on PATCH (RFC 9110)."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from app.api.errors import PreconditionFailed, PreconditionRequired


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
    raise PreconditionFailed(
        "The object changed since you read it. GET it again, reapply your change and retry.",
        details={"current_etag": current},
    )
