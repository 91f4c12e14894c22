"""Errors of staff sign-in and user management."""

from collections.abc import Mapping

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


class PasswordChangeRefused(InvalidInput):
    """A change of one's own password with one or more problems, each keyed by its form field.

    All of them are reported at once, so the person fixes everything in one go.
    """

    code = "password_change_refused"

    def __init__(self, problems: Mapping[str, str]) -> None:
        first_field, first_message = next(iter(problems.items()))
        super().__init__(first_message, field=first_field)
        self.problems = dict(problems)


class SsoFailed(DiligenceError):
    """Single sign-on did not produce a usable identity (tampered, expired or not allowed)."""

    status_code = 400
    code = "sso_failed"
    title = "Single sign-on failed"


class InvalidToken(InvalidInput):
    code = "invalid_token_request"
