"""API tokens: issued once, stored as SHA-256, limited to scopes, revocable, optionally expiring.

A token reads ``dlg_t_`` followed by 32 random bytes in base64url (256 bits from ``secrets``).
It acts as its user, limited to its scopes, and stops working when the user is disabled.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.errors import InvalidToken
from app.auth.models import ApiToken, User
from app.auth.permissions import ROLE_PERMISSIONS, Permission, can
from app.core.db import utcnow, write_beside
from app.core.errors import NotFound
from app.core.rows import id_of

TOKEN_PREFIX = "dlg_t_"  # noqa: S105 - the public marker of a token, not a secret
_TOKEN_BYTES = 32
_SHOWN_PREFIX_LENGTH = 12
# Writing last_used_at on every call would turn every read into a write.
_TOUCH_INTERVAL = timedelta(minutes=1)
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class TokenPrincipal:
    """Who a valid token acts as, and what it may do."""

    token_id: int
    user: User
    scopes: frozenset[Permission]


def new_token() -> str:
    """Return a new random token value (shown to its owner once)."""
    raw = secrets.token_bytes(_TOKEN_BYTES)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """Return the SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def effective_scopes(token: ApiToken, user: User) -> frozenset[Permission]:
    """Return what the token may do now: its scopes within the user's current role."""
    role_permissions = ROLE_PERMISSIONS.get(user.role, frozenset())
    if token.scopes is None:
        return role_permissions
    return role_permissions & {Permission(s) for s in token.scopes if s in _PERMISSION_VALUES}


_PERMISSION_VALUES = frozenset(p.value for p in Permission)


def _check_request(user: User, name: str, scopes: Iterable[Permission] | None) -> None:
    if not name.strip() or len(name.strip()) > MAX_NAME_LENGTH:
        raise InvalidToken(f"Name the token (1 to {MAX_NAME_LENGTH} characters).", field="name")
    if scopes is None:
        return
    wanted = set(scopes)
    if not wanted:
        raise InvalidToken(
            "Choose at least one permission, or give the token your whole role.", field="scope"
        )
    beyond = sorted(p.value for p in wanted if not can(user.role, p))
    if beyond:
        raise InvalidToken(f"Your role does not hold {', '.join(beyond)}.", field="scope")


def create_token(
    session: Session,
    *,
    user: User,
    name: str,
    scopes: Iterable[Permission] | None = None,
    expires_at: datetime | None = None,
    actor: str,
) -> tuple[ApiToken, str]:
    """Issue a token for the user; return the row and the token value, which is never stored."""
    _check_request(user, name, scopes)
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise InvalidToken("The expiry must be in the future.", field="expires_in_days")
    value = new_token()
    token = ApiToken(
        user_id=id_of(user),
        name=name.strip(),
        token_hash=hash_token(value),
        prefix=value[:_SHOWN_PREFIX_LENGTH],
        scopes=sorted(p.value for p in set(scopes)) if scopes is not None else None,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.api_token_created,
        subject_type="api_token",
        subject_id=id_of(token),
        data={"user_id": user.id, "scopes": token.scopes, "expires_at": _iso(expires_at)},
    )
    return token, value


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def list_tokens(session: Session, *, user_id: int | None = None) -> list[tuple[ApiToken, User]]:
    """Return tokens with their users, newest first; only one user's when ``user_id`` is set."""
    query = select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    rows = session.exec(query.order_by(col(ApiToken.id).desc())).all()
    return [(token, owner) for token, owner in rows]


def revoke_token(session: Session, *, token_id: int, actor: User) -> ApiToken:
    """Revoke a token at once; users revoke their own, user managers anyone's."""
    token = session.get(ApiToken, token_id)
    is_manager = can(actor.role, Permission.users_manage)
    if token is None or (token.user_id != actor.id and not is_manager):
        raise NotFound("There is no such API token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
        audit_service.record(
            session,
            actor=user_actor(id_of(actor)),
            action=AuditAction.api_token_revoked,
            subject_type="api_token",
            subject_id=id_of(token),
            data={"user_id": token.user_id},
        )
    return token


def is_usable(token: ApiToken, now: datetime) -> bool:
    """Tell whether a token is neither revoked nor expired."""
    if token.revoked_at is not None:
        return False
    return token.expires_at is None or token.expires_at > now


def resolve_token(session: Session, value: str) -> TokenPrincipal | None:
    """Return who a presented token acts as, or None when it is unknown, revoked or expired."""
    if not value.startswith(TOKEN_PREFIX) or len(value) > 200:
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(value))).first()
    now = utcnow()
    if token is None or not is_usable(token, now):
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= _TOUCH_INTERVAL:
        # Best effort beside the request's own transaction: an API read never fails over it.
        touch = update(ApiToken).where(col(ApiToken.id) == token.id).values(last_used_at=now)
        write_beside(session, touch)
    return TokenPrincipal(id_of(token), user, effective_scopes(token, user))
