"""Errors of the JSON API with their HTTP status (RFC 9110, RFC 6585)."""

from app.core.errors import Conflict, DiligenceError, InvalidInput


class PreconditionFailed(DiligenceError):
    status_code = 412
    code = "precondition_failed"
    title = "Changed by someone else"


class PreconditionRequired(DiligenceError):
    status_code = 428
    code = "precondition_required"
    title = "If-Match required"


class UnsupportedMediaType(DiligenceError):
    status_code = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    title = "Idempotency-Key used for another request"


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    title = "The first request with this Idempotency-Key is still running"
