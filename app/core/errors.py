"""The one base error of the application; features subclass it with a fixed status."""

from __future__ import annotations

from typing import Any


class DiligenceError(Exception):
    """An expected failure that is shown to the user with a status code."""

    status_code = 500
    code = "internal_error"
    title = "Something went wrong"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(DiligenceError):
    status_code = 404
    code = "not_found"
    title = "Not found"


class PermissionDenied(DiligenceError):
    status_code = 403
    code = "forbidden"
    title = "Not allowed"


class NotAuthenticated(DiligenceError):
    status_code = 401
    code = "not_authenticated"
    title = "Sign-in required"


class InvalidInput(DiligenceError):
    """Input that cannot be used; ``field`` names the form field it is about, when there is one."""

    status_code = 422
    code = "invalid_input"
    title = "Please check your input"

    def __init__(
        self, message: str, *, field: str = "", details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.field = field


class Conflict(DiligenceError):
    status_code = 409
    code = "conflict"
    title = "Conflict"


class Gone(DiligenceError):
    status_code = 410
    code = "gone"
    title = "No longer available"


class ServiceUnavailable(DiligenceError):
    status_code = 503
    code = "service_unavailable"
    title = "Temporarily unavailable"


class StorageFull(DiligenceError):
    """The disk (or quota) holding documents is full: nothing was kept, a retry may work."""

    status_code = 507
    code = "insufficient_storage"
    title = "No room to store this"
