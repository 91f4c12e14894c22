"""Helpers for API tests: users with tokens, and the bearer header."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from app.auth import tokens as tokens_service
from app.auth.models import Role, User
from app.auth.permissions import Permission
from tests.factories import make_user

API = "/api/v1"


def token_for(
    session: Session,
    user: User,
    *,
    scopes: Iterable[Permission] | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Issue an API token for the user and return its value."""
    _row, value = tokens_service.create_token(
        session, user=user, name="test", scopes=scopes, expires_at=expires_at, actor="test"
    )
    return value


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def caller(session: Session, role: Role = Role.risk_officer) -> tuple[User, dict[str, str]]:
    """Create a user of the role with a whole-role token; return the user and headers."""
    user = make_user(session, role=role)
    return user, bearer(token_for(session, user))


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Check the status and the standard error body; return the error object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]
