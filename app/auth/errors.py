"""Errors of staff sign-in and user management."""

from app.core.errors import Conflict, DiligenceError, InvalidInput


class InvalidCredentials(DiligenceError):
    status_code = 401
    code = "invalid_credentials"
    title = "Sign-in failed"


class UserExists(Conflict):
    code = "user_exists"


class WeakPassword(InvalidInput):
    code = "weak_password"
