"""Administration use cases: invite people, change roles, disable, re-enable, reset, and the
one-time links that let a person set a password."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from app.admin.models import LinkPurpose, PasswordLink
from app.admin.schemas import InviteForm
from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth import mfa
from app.auth import service as auth_service
from app.auth.errors import WeakPassword
from app.auth.models import Role, User
from app.core.config import Settings
from app.core.db import utcnow
from app.core.errors import Conflict, Gone, NotFound
from app.core.rows import id_of
from app.mail import service as mail_service
from app.organisation import service as organisation_service

LINK_LIFETIME = {LinkPurpose.invitation: timedelta(days=7), LinkPurpose.reset: timedelta(days=1)}
LINK_PREFIX = "dlg_s_"
LINK_PATH = "/welcome/"


class LastAdministrator(Conflict):
    code = "last_administrator"
    title = "Someone must stay administrator"


class LinkNotUsable(Gone):
    code = "password_link_not_usable"
    title = "This link no longer works"


@dataclass(frozen=True)
class IssuedLink:
    user: User
    url: str


@dataclass(frozen=True)
class UserRow:
    user: User
    state: str  # active, invited (no password yet), disabled


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def list_users(session: Session) -> list[UserRow]:
    """Every staff account, with what a person would call its state."""
    users = session.exec(select(User).order_by(col(User.email))).all()
    pending = set(
        session.exec(
            select(PasswordLink.user_id).where(
                PasswordLink.purpose == LinkPurpose.invitation, col(PasswordLink.used_at).is_(None)
            )
        ).all()
    )
    rows = []
    for user in users:
        if not user.is_active:
            state = "disabled"
        elif user.password_hash is None and user.oidc_subject is None and user.id in pending:
            state = "invited"
        else:
            state = "active"
        rows.append(UserRow(user, state))
    return rows


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    return user


def _issue_link(
    session: Session, user: User, purpose: LinkPurpose, *, by: User, settings: Settings
) -> IssuedLink:
    now = utcnow()
    # A new link replaces the older unused ones: only the latest mail works.
    for older in session.exec(
        select(PasswordLink).where(
            PasswordLink.user_id == user.id, col(PasswordLink.used_at).is_(None)
        )
    ).all():
        older.used_at = now
        session.add(older)
    token = LINK_PREFIX + secrets.token_urlsafe(32)
    session.add(
        PasswordLink(
            user_id=id_of(user),
            token_hash=_hash(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + LINK_LIFETIME[purpose],
            created_by_id=by.id,
        )
    )
    url = f"{settings.public_base_url}{LINK_PATH}{token}"
    organisation = organisation_service.get_profile(session, settings)
    invited = purpose is LinkPurpose.invitation
    mail_service.queue_mail(
        session,
        "staff_password_link",
        to=user.email,
        subject=(
            f"{organisation.name}: you are invited to Diligence"
            if invited
            else f"{organisation.name}: set a new Diligence password"
        ),
        context={
            "organisation": organisation.name,
            "invited": invited,
            "inviter": by.full_name or by.email,
            "role": user.role.value.replace("_", " "),
            "link": url,
            "days": LINK_LIFETIME[purpose].days,
        },
        purpose=f"staff_{purpose.value}",
        sender=organisation.mail_sender,
        reply_to=organisation.reply_to,
    )
    audit_service.record(
        session,
        actor=user_actor(id_of(by)),
        action=AuditAction.user_password_link_issued,
        subject_type="user",
        subject_id=id_of(user),
        data={"email": user.email, "purpose": purpose.value},
    )
    session.flush()
    return IssuedLink(user, url)


def invite(session: Session, data: InviteForm, *, by: User, settings: Settings) -> IssuedLink:
    """Create the account and mail a one-time link to set its password."""
    user = auth_service.create_invited_user(
        session,
        email=data.email,
        role=data.role,
        full_name=data.full_name,
        actor=user_actor(id_of(by)),
    )
    return _issue_link(session, user, LinkPurpose.invitation, by=by, settings=settings)


def send_reset_link(session: Session, user_id: int, *, by: User, settings: Settings) -> IssuedLink:
    """Mail a one-time link to set a new password; the current one works until it is used."""
    user = _user(session, user_id)
    if user.oidc_subject is not None:
        raise WeakPassword("This person signs in with single sign-on and has no password here.")
    purpose = LinkPurpose.invitation if user.password_hash is None else LinkPurpose.reset
    return _issue_link(session, user, purpose, by=by, settings=settings)


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(User.role == Role.admin, col(User.is_active).is_(True))
    return session.exec(query.select_from(User)).one()


def _keep_an_admin(session: Session, user: User) -> None:
    if user.role is Role.admin and user.is_active and _active_admins(session) <= 1:
        raise LastAdministrator(
            "This is the only active administrator; make someone else administrator first."
        )


def change_role(session: Session, user_id: int, role: Role, *, by: User) -> User:
    """Give a person another role; it applies from their next page."""
    user = _user(session, user_id)
    if role is not user.role:
        _keep_an_admin(session, user)
        auth_service.set_role(session, email=user.email, role=role, actor=user_actor(id_of(by)))
    return user


def disable(session: Session, user_id: int, *, by: User) -> User:
    """Stop a person signing in and end their sessions at once."""
    user = _user(session, user_id)
    _keep_an_admin(session, user)
    return auth_service.disable_user(session, email=user.email, actor=user_actor(id_of(by)))


def enable(session: Session, user_id: int, *, by: User) -> User:
    """Let a disabled person sign in again."""
    user = _user(session, user_id)
    return auth_service.enable_user(session, email=user.email, actor=user_actor(id_of(by)))


def second_factor_target(session: Session, user_id: int, *, by: User) -> User:
    """Return the person whose second factor ``by`` may reset, or refuse in plain words."""
    user = _user(session, user_id)
    mfa.check_resettable(user, by=by)
    return user


def reset_second_factor(session: Session, user_id: int, *, by: User, settings: Settings) -> User:
    """Remove a person's second factor (a lost phone), end their sessions and tell them; audited.

    At their next sign-in the password is enough, and an admin who must have a second factor
    is sent to set up a new one before anything else. The mail lets the person notice a reset
    they did not ask for.
    """
    user = _user(session, user_id)
    mfa.reset(session, user, by=by)
    organisation = organisation_service.get_profile(session, settings)
    mail_service.queue_mail(
        session,
        "staff_second_factor_reset",
        to=user.email,
        subject=f"{organisation.name}: the second factor of your Diligence account was reset",
        context={
            "organisation": organisation.name,
            "admin": by.full_name or by.email,
            "email": user.email,
        },
        purpose="staff_second_factor_reset",
        sender=organisation.mail_sender,
        reply_to=organisation.reply_to,
    )
    session.flush()
    return user


def _usable_link(session: Session, token: str, now: datetime) -> tuple[PasswordLink, User]:
    link = session.exec(select(PasswordLink).where(PasswordLink.token_hash == _hash(token))).first()
    if link is None:
        raise NotFound("This link is not valid. Check that it was copied completely.")
    user = session.get(User, link.user_id)
    if link.used_at is not None or user is None or not user.is_active:
        raise LinkNotUsable(
            "This link was already used or replaced by a newer one. Sign in, or ask an "
            "administrator for a new link."
        )
    if link.expires_at <= now:
        raise LinkNotUsable("This link has expired. Ask an administrator for a new one.")
    return link, user


def check_link(session: Session, token: str) -> User:
    """Return whose link this is, or refuse a used, replaced or expired link."""
    return _usable_link(session, token, utcnow())[1]


def set_password_with_link(session: Session, token: str, password: str) -> User:
    """Set the password (with the usual strength rules) and use the link up."""
    now = utcnow()
    link, user = _usable_link(session, token, now)
    auth_service.reset_password(
        session, email=user.email, password=password, actor=user_actor(id_of(user))
    )
    link.used_at = now
    session.add(link)
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.user_password_link_used,
        subject_type="user",
        subject_id=id_of(user),
        data={"email": user.email, "purpose": link.purpose.value},
    )
    return user
