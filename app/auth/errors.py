"""Errors of staff sign-in and user management."""

from app.core.errors import Conflict, DiligenceError, InvalidInput, NotFound


class InvalidCredentials(DiligenceError):
    status_code = 401
    code = "invalid_credentials"
    title = "Sign-in failed"


class UserExists(Conflict):
    code = "user_exists"


class UnknownUser(NotFound):
    code = "unknown_user"


class WeakPassword(InvalidInput):
    code = "weak_password"


class SsoFailed(DiligenceError):
    """Single sign-on did not produce a usable identity (tampered, expired or not allowed)."""

    status_code = 400
    code = "sso_failed"
    title = "Single sign-on failed"


class InvalidToken(InvalidInput):
    code = "invalid_token_request"
