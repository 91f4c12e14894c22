"""Idempotent creates: the same ``Idempotency-Key`` and payload replay the first response.

Keys are scoped to the caller (token or session user) and kept for 24 hours. The record is
written in the request's transaction, so a failed request leaves no key behind and a retry
runs again; a retry while the first request is still running gets 409.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.api.errors import IdempotencyInProgress, IdempotencyKeyReused
from app.api.models import IdempotencyRecord
from app.core.db import utcnow
from app.core.errors import InvalidInput

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Created:
    """What a create returns: the body, its status and headers such as Location."""

    body: BaseModel
    status_code: int = 201
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdempotentCall:
    """One request's idempotency context: who calls, with which key, on which operation."""

    session: Session
    owner: str
    key: str | None
    operation: str

    def run(self, payload: bytes, produce: Callable[[], Created]) -> JSONResponse:
        """Run ``produce`` once per key and payload; replay its stored response afterwards."""
        if self.key is None:
            return _respond(produce())
        fingerprint = hashlib.sha256(self.operation.encode() + b"\n" + payload).hexdigest()
        stored = self._stored()
        if stored is not None:
            return _replay(stored, fingerprint)
        # A failure inside rolls back the claim too, so a retry with the key runs afresh.
        with self.session.begin_nested():
            record = self._claim(fingerprint)
            created = produce()
            record.status_code = created.status_code
            record.response_body = created.body.model_dump(mode="json")
            record.response_headers = created.headers
            self.session.add(record)
            self.session.flush()
        return _respond(created)

    def _stored(self) -> IdempotencyRecord | None:
        now = utcnow()
        self.session.exec(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.owner) == self.owner,
                col(IdempotencyRecord.expires_at) <= now,
            )
        )
        query = select(IdempotencyRecord).where(
            IdempotencyRecord.owner == self.owner, IdempotencyRecord.key == self.key
        )
        return self.session.exec(query).first()

    def _claim(self, fingerprint: str) -> IdempotencyRecord:
        now = utcnow()
        record = IdempotencyRecord(
            owner=self.owner,
            key=self.key or "",
            fingerprint=fingerprint,
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
        try:
            with self.session.begin_nested():
                self.session.add(record)
                self.session.flush()
        except IntegrityError:
            # Another request with this key committed its claim first and is still running.
            raise IdempotencyInProgress(
                "A request with this Idempotency-Key is still being processed; retry shortly."
            ) from None
        return record


def check_key(key: str | None) -> str | None:
    """Validate an Idempotency-Key header value (printable ASCII, at most 255 characters)."""
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."
        )
    return key


def _respond(created: Created) -> JSONResponse:
    body = created.body.model_dump(mode="json")
    return JSONResponse(body, status_code=created.status_code, headers=created.headers)


def _replay(stored: IdempotencyRecord, fingerprint: str) -> JSONResponse:
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different request; use a new key."
        )
    if stored.status_code is None:
        raise IdempotencyInProgress(
            "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    headers = {**stored.response_headers, REPLAYED_HEADER: "true"}
    return JSONResponse(stored.response_body, status_code=stored.status_code, headers=headers)
