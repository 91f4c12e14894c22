"""Staff accounts and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.audit import actors
from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.errors import (
    InvalidCredentials,
    PasswordChangeRefused,
    UnknownUser,
    UserExists,
    WeakPassword,
)
from app.auth.models import Role, StaffSession, User
from app.auth.passwords import (
    PASSWORDS_DIFFER,
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.core.db import utcnow, write_beside
from app.core.rows import id_of

SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen_at on every request would turn every page view into a write.
_TOUCH_INTERVAL = timedelta(minutes=1)
WRONG_CREDENTIALS_MESSAGE = "wrong e-mail address or password"


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


def _require_user(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None:
        raise UnknownUser(f"no user with e-mail {normalise_email(email)}")
    return user


def _check_new_email(session: Session, email: str) -> None:
    if "@" not in email or len(email) > 320:
        raise WeakPassword(f"'{email}' is not an e-mail address")
    if get_user_by_email(session, email) is not None:
        raise UserExists(f"a user with e-mail {email} already exists")


def create_user(
    session: Session,
    *,
    email: str,
    role: Role,
    password: str,
    full_name: str = "",
    actor: str = "system",
) -> User:
    """Create a local account; the password is stored only as an argon2id hash."""
    email = normalise_email(email)
    _check_new_email(session, email)
    check_password_policy(password, email=email)
    user = User(email=email, role=role, password_hash=hash_password(password), full_name=full_name)
    session.add(user)
    session.flush()
    _audit(session, user, AuditAction.user_created, actor=actor, data={"role": role.value})
    return user


def create_invited_user(
    session: Session, *, email: str, role: Role, full_name: str = "", actor: str
) -> User:
    """Create a local account without a password; it cannot sign in until one is set."""
    email = normalise_email(email)
    _check_new_email(session, email)
    user = User(email=email, role=role, full_name=full_name.strip())
    session.add(user)
    session.flush()
    data = {"role": role.value, "method": "invitation"}
    _audit(session, user, AuditAction.user_invited, actor=actor, data=data)
    return user


def create_sso_user(
    session: Session, *, email: str, role: Role, issuer: str, subject: str, full_name: str = ""
) -> User:
    """Create an account on first single sign-on; it has no local password."""
    email = normalise_email(email)
    _check_new_email(session, email)
    user = User(
        email=email, role=role, full_name=full_name, oidc_issuer=issuer, oidc_subject=subject
    )
    session.add(user)
    session.flush()
    data = {"role": role.value, "method": "oidc", "issuer": issuer}
    _audit(session, user, AuditAction.user_created, actor=actors.SYSTEM, data=data)
    return user


def get_user_by_identity(session: Session, *, issuer: str, subject: str) -> User | None:
    """Return the account bound to a single sign-on identity, if any."""
    query = select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    return session.exec(query).first()


def _record_failure(session: Session, user: User) -> None:
    user.failed_logins += 1
    session.add(user)
    _audit(session, user, AuditAction.user_sign_in_failed, data={"failures": user.failed_logins})


def authenticate(session: Session, *, email: str, password: str) -> User:
    """Check a local sign-in; the same answer for an unknown address and a wrong password.

    Failures are audited and throttled by the caller (``auth.throttle``); an account is never
    locked, so nobody can keep its owner out by failing on purpose.
    """
    user = get_user_by_email(session, email)
    is_valid = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active:
        raise InvalidCredentials(WRONG_CREDENTIALS_MESSAGE)
    if not is_valid:
        _record_failure(session, user)
        session.flush()
        raise InvalidCredentials(WRONG_CREDENTIALS_MESSAGE)
    if user.password_hash is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    return user


def start_session(
    session: Session,
    user: User,
    *,
    method: str = "password",
    absolute_timeout: timedelta = SESSION_ABSOLUTE_TIMEOUT,
) -> str:
    """Create a server-side session and return the cookie value (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    assert user.id is not None
    user.last_login_at = now
    session.add(user)
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + absolute_timeout,
        )
    )
    _audit(session, user, AuditAction.user_signed_in, data={"method": method})
    session.flush()
    return token


def _find_session(session: Session, token: str) -> StaffSession | None:
    query = select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    return session.exec(query).first()


def resolve_session(
    session: Session, token: str, *, idle_timeout: timedelta = SESSION_IDLE_TIMEOUT
) -> User | None:
    """Return the active user behind a session cookie, refreshing its idle timer."""
    now = utcnow()
    row = _find_session(session, token)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.last_seen_at + idle_timeout <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - row.last_seen_at > _TOUCH_INTERVAL:
        # Best effort beside the request's own transaction: a page view never fails over it.
        touch = update(StaffSession).where(col(StaffSession.id) == row.id)
        write_beside(session, touch.values(last_seen_at=now))
    return user


def end_session(session: Session, token: str) -> None:
    """Revoke a session so its cookie stops working at once."""
    row = _find_session(session, token)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        audit_service.record(
            session,
            actor=user_actor(row.user_id),
            action=AuditAction.user_signed_out,
            subject_type="user",
            subject_id=row.user_id,
        )


def revoke_sessions(session: Session, user: User) -> int:
    """End every live session of a user and return how many there were."""
    now = utcnow()
    query = select(StaffSession).where(
        StaffSession.user_id == user.id, col(StaffSession.revoked_at).is_(None)
    )
    rows = session.exec(query).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    session.flush()
    return len(rows)


def reset_password(session: Session, *, email: str, password: str, actor: str = "system") -> User:
    """Set a new password, unlock the account and end its sessions."""
    user = _require_user(session, email)
    if user.oidc_subject is not None:
        raise WeakPassword("this account signs in with single sign-on and has no password")
    check_password_policy(password, email=user.email)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    ended = revoke_sessions(session, user)
    _audit(
        session, user, AuditAction.user_password_reset, actor=actor, data={"sessions_ended": ended}
    )
    return user


def set_role(session: Session, *, email: str, role: Role, actor: str = "system") -> User:
    """Change a user's role; it applies from the user's next request."""
    user = _require_user(session, email)
    previous = user.role
    user.role = role
    session.add(user)
    session.flush()
    data = {"from": previous.value, "to": role.value}
    _audit(session, user, AuditAction.user_role_changed, actor=actor, data=data)
    return user


def disable_user(session: Session, *, email: str, actor: str = "system") -> User:
    """Disable an account and end all of its sessions immediately."""
    user = _require_user(session, email)
    user.is_active = False
    session.add(user)
    ended = revoke_sessions(session, user)
    _audit(session, user, AuditAction.user_disabled, actor=actor, data={"sessions_ended": ended})
    return user


def enable_user(session: Session, *, email: str, actor: str = "system") -> User:
    """Let a disabled account sign in again (its old sessions stay ended)."""
    user = _require_user(session, email)
    user.is_active = True
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    _audit(session, user, AuditAction.user_enabled, actor=actor)
    return user


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    confirmation: str | None = None,
    keep_session: str | None = None,
) -> int:
    """Change one's own password after checking the current one.

    Every problem (a wrong current password, a weak new one, a ``confirmation`` that differs)
    is raised together in one PasswordChangeRefused, keyed by form field. Every other session
    of the account ends (a thief's among them); the browser whose cookie is ``keep_session``
    stays signed in. Return how many sessions ended.
    """
    problems = _password_change_problems(user, current=current, new=new, confirmation=confirmation)
    if problems:
        if user.password_hash is not None and "current" in problems:
            # Kept although the change is refused: the caller commits the refusal's page.
            _audit(session, user, AuditAction.user_password_change_refused)
        raise PasswordChangeRefused(problems)
    user.password_hash = hash_password(new)
    session.add(user)
    now = utcnow()
    query = select(StaffSession).where(
        StaffSession.user_id == user.id, col(StaffSession.revoked_at).is_(None)
    )
    if keep_session:
        query = query.where(StaffSession.token_hash != _token_hash(keep_session))
    others = session.exec(query).all()
    for row in others:
        row.revoked_at = now
        session.add(row)
    _audit(session, user, AuditAction.user_password_changed, data={"sessions_ended": len(others)})
    return len(others)


def _password_change_problems(
    user: User, *, current: str, new: str, confirmation: str | None
) -> dict[str, str]:
    if user.password_hash is None:
        return {"current": "this account signs in with single sign-on and has no password"}
    problems: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        problems["current"] = "the current password is not correct"
    elif current == new:
        problems["password"] = "the new password must differ from the current one"  # noqa: S105
    if "password" not in problems:
        try:
            check_password_policy(new, email=user.email)
        except WeakPassword as exc:
            problems["password"] = exc.message
    if confirmation is not None and confirmation != new:
        problems["confirm"] = PASSWORDS_DIFFER
    return problems


def _audit(
    session: Session,
    user: User,
    action: AuditAction,
    *,
    actor: str | None = None,
    data: Mapping[str, object] | None = None,
) -> None:
    audit_service.record(
        session,
        actor=actor or user_actor(id_of(user)),
        action=action,
        subject_type="user",
        subject_id=id_of(user),
        data={"email": user.email, **(data or {})},
    )
