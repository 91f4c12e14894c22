"""Staff accounts and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from app.audit import service as audit_service
from app.auth.errors import InvalidCredentials, UserExists, WeakPassword
from app.auth.models import Role, StaffSession, User
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.core.db import utcnow

SESSION_IDLE_TIMEOUT = timedelta(hours=8)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=24)
LOCKOUT_THRESHOLD = 5
LOCKOUT_DURATION = timedelta(minutes=15)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Compare e-mail addresses case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this e-mail address, if any."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def count_users(session: Session) -> int:
    """Return how many staff accounts exist."""
    return session.exec(select(func.count()).select_from(User)).one()


def create_user(
    session: Session, *, email: str, role: Role, password: str, full_name: str = ""
) -> User:
    """Create a local account; the password is stored only as an argon2id hash."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise WeakPassword(f"'{email}' is not an e-mail address")
    if get_user_by_email(session, email) is not None:
        raise UserExists(f"a user with e-mail {email} already exists")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user = User(email=email, role=role, password_hash=hash_password(password), full_name=full_name)
    session.add(user)
    session.flush()
    audit_service.record(
        session,
        actor="system",
        action="user.created",
        subject_type="user",
        subject_id=user.id or "",
        data={"email": email, "role": role.value},
    )
    return user


def authenticate(session: Session, *, email: str, password: str) -> User:
    """Check a local sign-in; repeated failures lock the account for a while."""
    user = get_user_by_email(session, email)
    now = utcnow()
    is_valid = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active:
        raise InvalidCredentials("wrong e-mail address or password")
    if user.locked_until is not None and user.locked_until > now:
        raise InvalidCredentials("too many failed attempts; try again in a few minutes")
    if not is_valid:
        user.failed_logins += 1
        if user.failed_logins >= LOCKOUT_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_logins = 0
        session.add(user)
        session.flush()
        raise InvalidCredentials("wrong e-mail address or password")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    return user


def start_session(session: Session, user: User) -> str:
    """Create a server-side session and return the cookie value (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    assert user.id is not None
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE_TIMEOUT,
        )
    )
    audit_service.record(
        session,
        actor=f"user:{user.id}",
        action="user.signed_in",
        subject_type="user",
        subject_id=user.id,
    )
    session.flush()
    return token


def _is_live(staff_session: StaffSession, now: datetime) -> bool:
    return (
        staff_session.revoked_at is None
        and staff_session.expires_at > now
        and staff_session.last_seen_at + SESSION_IDLE_TIMEOUT > now
    )


def resolve_session(session: Session, token: str) -> User | None:
    """Return the active user behind a session cookie, refreshing its idle timer."""
    now = utcnow()
    row = session.exec(
        select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    ).first()
    if row is None or not _is_live(row, now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.add(row)
    return user


def end_session(session: Session, token: str) -> None:
    """Revoke a session so its cookie stops working at once."""
    row = session.exec(
        select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    ).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)


def reset_password(session: Session, *, email: str, password: str) -> User:
    """Set a new password, unlock the account and end its sessions."""
    user = get_user_by_email(session, email)
    if user is None:
        raise InvalidCredentials(f"no user with e-mail {normalise_email(email)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    for row in session.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all():
        row.revoked_at = row.revoked_at or utcnow()
        session.add(row)
    audit_service.record(
        session,
        actor="system",
        action="user.password_reset",
        subject_type="user",
        subject_id=user.id or "",
    )
    session.flush()
    return user
