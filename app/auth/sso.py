"""Turn a verified single sign-on identity into a staff account (just-in-time creation)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import sso_actor, visitor_actor
from app.auth import service as auth_service
from app.auth.errors import SsoFailed
from app.auth.models import Role, User
from app.auth.oidc import OidcIdentity
from app.core.config import Settings


@dataclass(frozen=True)
class SsoPolicy:
    allowed_domains: frozenset[str]  # lower-case; "*" admits any domain
    role_claim: str
    default_role: Role | None

    @classmethod
    def from_settings(cls, settings: Settings) -> SsoPolicy:
        """Read the policy from the DILIGENCE_OIDC_* settings."""
        domains = {d.strip().lower() for d in settings.oidc_allowed_domains.split(",")}
        default = settings.oidc_default_role.strip()
        if default and default not in {role.value for role in Role}:
            raise SsoFailed("Single sign-on is misconfigured (DILIGENCE_OIDC_DEFAULT_ROLE).")
        return cls(
            allowed_domains=frozenset(d for d in domains if d),
            role_claim=settings.oidc_role_claim.strip(),
            default_role=Role(default) if default else None,
        )

    def admits(self, email: str) -> bool:
        """Tell whether the e-mail address belongs to an allowed domain."""
        domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
        return bool(domain) and ("*" in self.allowed_domains or domain in self.allowed_domains)


def role_from_claims(claims: Mapping[str, Any], claim: str) -> Role | None:
    """Return the first known role named in the claim (a string or a list), if any."""
    if not claim:
        return None
    value = claims.get(claim)
    names = value if isinstance(value, list) else [value]
    roles = [Role(str(name)) for name in names if str(name) in Role.__members__]
    return roles[0] if roles else None


def record_flow_refusal(session: Session, *, reason: str, address: str) -> None:
    """Audit a callback refused before any identity was known (state, nonce, code replay)."""
    audit_service.record(
        session,
        actor=visitor_actor(address),
        action=AuditAction.user_sign_in_failed,
        subject_type="user",
        data={"method": "oidc", "reason": reason[:200]},
    )


def _refuse(session: Session, identity: OidcIdentity, reason: str, message: str) -> SsoFailed:
    audit_service.record(
        session,
        actor=sso_actor(identity.issuer, identity.subject),
        action=AuditAction.user_sign_in_failed,
        subject_type="user",
        data={"method": "oidc", "reason": reason, "email": identity.email},
    )
    return SsoFailed(message)


def sign_in_user(session: Session, *, identity: OidcIdentity, policy: SsoPolicy) -> User:
    """Return the account for a verified identity, creating it on first sign-in."""
    if identity.email_verified is False or not policy.admits(identity.email):
        raise _refuse(session, identity, "domain", "Your account is not allowed to sign in here.")
    claimed_role = role_from_claims(identity.claims, policy.role_claim)
    user = auth_service.get_user_by_identity(
        session, issuer=identity.issuer, subject=identity.subject
    )
    if user is None:
        role = claimed_role or policy.default_role
        if role is None:
            raise _refuse(session, identity, "no_role", "No role has been granted to you yet.")
        if auth_service.get_user_by_email(session, identity.email) is not None:
            # Identity is (issuer, subject): an e-mail match alone never links accounts.
            raise _refuse(
                session,
                identity,
                "email_taken",
                "An account with this e-mail address already exists; ask an administrator.",
            )
        return auth_service.create_sso_user(
            session,
            email=identity.email,
            role=role,
            issuer=identity.issuer,
            subject=identity.subject,
            full_name=identity.name[:200],
        )
    if not user.is_active:
        raise _refuse(session, identity, "disabled", "Your account is disabled.")
    if claimed_role is not None and claimed_role is not user.role:
        auth_service.set_role(session, email=user.email, role=claimed_role, actor="oidc")
    return user
