"""TOTP second factor for local accounts: enrolment, checking, recovery codes, reset.

The QR code is drawn here (segno, as inline SVG): the secret never leaves the server for
a third-party image service. The secret is stored only sealed (``app.auth.totp_secrets``);
``keys`` are the keys for data at rest (``app.core.keys.encryption_keys``). A code is
accepted once (its time step is remembered), and each recovery code once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field

import pyotp
import segno
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.errors import InvalidCredentials
from app.auth.models import Role, User
from app.auth.service import revoke_sessions
from app.auth.totp_secrets import SecretUnreadable, seal, under_current_key, unseal
from app.core.db import utcnow
from app.core.errors import Conflict, PermissionDenied
from app.core.rows import id_of

logger = logging.getLogger(__name__)
ISSUER = "Diligence"
RECOVERY_CODE_COUNT = 10
PENDING_SECONDS = 300  # between the password and the code
WRONG_CODE_MESSAGE = "That code is not right. Check your authenticator app and try again."
_STEP_SECONDS = 30


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _audit(session: Session, user: User, action: AuditAction, *, actor: str = "") -> None:
    audit_service.record(
        session,
        actor=actor or user_actor(id_of(user)),
        action=action,
        subject_type="user",
        subject_id=id_of(user),
    )


def mfa_required(user: User, *, admins_must_enrol: bool) -> bool:
    """Tell whether this user must enrol before doing anything else."""
    is_local = user.password_hash is not None
    return admins_must_enrol and is_local and user.role is Role.admin and not user.has_second_factor


def _secret(user: User, keys: list[bytes]) -> str | None:
    """Return the user's secret in the clear, or None when there is none or it cannot be opened."""
    if user.totp_secret_sealed is None:
        return None
    try:
        return unseal(keys, id_of(user), user.totp_secret_sealed)
    except SecretUnreadable as exc:
        logger.error("second factor of user %s cannot be checked: %s", user.id, exc)
        return None


def start_enrolment(session: Session, user: User, keys: list[bytes]) -> str:
    """Give the user a new secret to scan (kept sealed, not in force until confirmed)."""
    if user.has_second_factor:
        raise Conflict("A second factor is already set up; ask another admin to reset it.")
    if user.password_hash is None:
        raise Conflict("Accounts that sign in with single sign-on use the provider's own MFA.")
    secret = _secret(user, keys)
    if secret is None:
        secret = pyotp.random_base32()
        user.totp_secret_sealed = seal(keys, id_of(user), secret)
        session.add(user)
        session.flush()
    return secret


def qr_code(user: User, secret: str) -> Markup:
    """Return the enrolment QR code as inline SVG (no image request leaves the page)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator")
    return Markup(svg)  # noqa: S704 - segno's own SVG of our own URI, no user markup


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    for offset in (0, -1, 1):  # a clock a step off either way still works
        moment = now + offset * _STEP_SECONDS
        if hmac.compare_digest(totp.at(moment), code):
            return int(moment // _STEP_SECONDS)
    return None


def confirm_enrolment(
    session: Session, user: User, code: str, *, keys: list[bytes], now: float
) -> list[str]:
    """Put the factor in force once the app shows a right code; return the recovery codes."""
    secret = _secret(user, keys)
    step = _matching_step(secret, code.strip(), now) if secret else None
    if step is None:
        raise InvalidCredentials(WRONG_CODE_MESSAGE)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    user.recovery_code_hashes = [_hash(c) for c in codes]
    session.add(user)
    _audit(session, user, AuditAction.user_mfa_enabled)
    session.flush()
    return codes


def check_code(session: Session, user: User, code: str, *, keys: list[bytes], now: float) -> str:
    """Accept a current TOTP code or an unused recovery code; return which it was."""
    code = code.strip().replace(" ", "")
    secret = _secret(user, keys) if code.isdigit() else None
    if secret is not None:
        step = _matching_step(secret, code, now)
        if step is not None and step > (user.totp_last_step or 0):
            user.totp_last_step = step
            session.add(user)
            return "totp"
    elif code and _hash(code) in (user.recovery_code_hashes or []):
        user.recovery_code_hashes = [h for h in user.recovery_code_hashes or [] if h != _hash(code)]
        session.add(user)
        _audit(session, user, AuditAction.user_recovery_code_used)
        return "recovery code"
    _audit(session, user, AuditAction.user_mfa_failed)
    session.flush()
    raise InvalidCredentials(WRONG_CODE_MESSAGE)


def check_resettable(user: User, *, by: User) -> None:
    """Refuse a reset that is not allowed: only another admin, and only a factor that is set up."""
    if by.role is not Role.admin:
        raise PermissionDenied("Only an admin can reset a second factor.")
    if by.id == user.id:
        raise PermissionDenied("Another admin must reset your second factor.")
    if not user.has_second_factor:
        raise Conflict(f"{user.email} has no second factor set up, so there is nothing to reset.")


def reset(session: Session, user: User, *, by: User) -> None:
    """Remove a user's second factor (a lost phone); only another admin may, and it is audited."""
    check_resettable(user, by=by)
    user.totp_secret_sealed = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_code_hashes = None
    session.add(user)
    # Whoever holds the lost phone may also hold a signed-in browser: those sessions end.
    ended = revoke_sessions(session, user)
    audit_service.record(
        session,
        actor=user_actor(id_of(by)),
        action=AuditAction.user_mfa_reset,
        subject_type="user",
        subject_id=id_of(user),
        data={"email": user.email, "reset_by": by.email, "sessions_ended": ended},
    )
    session.flush()


@dataclass
class Resealing:
    """What sealing every second-factor secret under the current key did."""

    resealed: int = 0
    current: int = 0
    unreadable: list[int] = field(default_factory=list)  # user ids


def reseal_all(session: Session, keys: list[bytes]) -> Resealing:
    """Seal every stored secret under the current key, so an older key can be dropped."""
    run = Resealing()
    users = session.exec(select(User).where(col(User.totp_secret_sealed).is_not(None))).all()
    for user in users:
        assert user.totp_secret_sealed is not None
        if under_current_key(keys, user.totp_secret_sealed):
            run.current += 1
            continue
        secret = _secret(user, keys)
        if secret is None:
            run.unreadable.append(id_of(user))
            continue
        user.totp_secret_sealed = seal(keys, id_of(user), secret)
        session.add(user)
        run.resealed += 1
    session.flush()
    return run


def pending_token(signing_key: str, user_id: int, *, now: float) -> str:
    """Sign 'this user gave the right password' for the few minutes until the code."""
    body = f"{user_id}.{int(now) + PENDING_SECONDS}"
    mac = hmac.new(signing_key.encode(), f"mfa-pending\n{body}".encode(), hashlib.sha256)
    return f"{body}.{mac.hexdigest()}"


def read_pending(signing_key: str, token: str | None, *, now: float) -> int | None:
    """Return the user id of a valid, unexpired pending sign-in, else None."""
    user_id, _, rest = (token or "").partition(".")
    expires, _, mac = rest.partition(".")
    if not (user_id.isdigit() and expires.isdigit()) or int(expires) < now:
        return None
    body = f"{user_id}.{expires}"
    expected = hmac.new(signing_key.encode(), f"mfa-pending\n{body}".encode(), hashlib.sha256)
    return int(user_id) if hmac.compare_digest(expected.hexdigest(), mac) else None
