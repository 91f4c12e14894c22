"""Read and change the organisation settings; everything that speaks for the organisation
(invitations, reminders, the vendor portal) reads them through ``get_profile``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.config import Settings
from app.core.db import utcnow
from app.organisation.domain.logo import EXTENSIONS
from app.organisation.errors import OrganisationNotNamed
from app.organisation.models import SETTINGS_ROW_ID, OrganisationSettings
from app.organisation.schemas import OrganisationForm

LOGO_ROUTE = "/organisation/logo"
LOGO_NAME_LENGTH = 16
# Shown where a name is needed before one is set; sending stays refused until it is.
PLACEHOLDER_NAME = "Your organisation"


@dataclass(frozen=True)
class OrganisationProfile:
    """How the organisation presents itself; safe to use after the request's session ends."""

    name: str
    is_named: bool
    mail_sender: str | None
    reply_to: str | None
    welcome_text: str
    logo_path: str | None = None  # where the logo is served (a path on this site), if any


def _row(session: Session) -> OrganisationSettings | None:
    return session.get(OrganisationSettings, SETTINGS_ROW_ID)


def get_profile(session: Session, settings: Settings) -> OrganisationProfile:
    """Return the settings made in the browser, falling back to the environment's."""
    row = _row(session)
    name = (row.name if row else "") or settings.organisation_name.strip()
    return OrganisationProfile(
        name=name or PLACEHOLDER_NAME,
        is_named=bool(name),
        mail_sender=(row.mail_sender if row else "") or None,
        reply_to=(row.reply_to if row else "") or None,
        welcome_text=row.welcome_text if row else "",
        logo_path=logo_path(row) if row else None,
    )


def logo_url(profile: OrganisationProfile, settings: Settings) -> str | None:
    """Return the logo's full address, for mail (read far from this site), if there is one."""
    return f"{settings.public_base_url}{profile.logo_path}" if profile.logo_path else None


def logo_path(row: OrganisationSettings) -> str | None:
    """Return the logo's path, named by its content so that a new logo gets a new address."""
    if row.logo_sha256 is None or row.logo_type is None:
        return None
    return f"{LOGO_ROUTE}/{row.logo_sha256[:LOGO_NAME_LENGTH]}.{EXTENSIONS[row.logo_type]}"


def require_named(session: Session, settings: Settings) -> OrganisationProfile:
    """Return the profile, or refuse when the organisation has no name yet."""
    profile = get_profile(session, settings)
    if not profile.is_named:
        raise OrganisationNotNamed()
    return profile


def form_values(session: Session, settings: Settings) -> dict[str, object]:
    """Return what the settings form shows before any change."""
    row = _row(session)
    return {
        "name": (row.name if row else "") or settings.organisation_name,
        "mail_sender": row.mail_sender if row else "",
        "reply_to": row.reply_to if row else "",
        "welcome_text": row.welcome_text if row else "",
    }


def save_settings(
    session: Session, data: OrganisationForm, *, actor: str, user_id: int | None = None
) -> None:
    """Store the settings and record which fields changed."""
    row = _row(session) or OrganisationSettings(id=SETTINGS_ROW_ID)
    new = data.model_dump()
    changed = sorted(key for key, value in new.items() if getattr(row, key) != value)
    for key, value in new.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    row.updated_by_id = user_id
    session.add(row)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.organisation_updated,
        subject_type="organisation",
        subject_id=SETTINGS_ROW_ID,
        data={"changed": changed, "name": row.name},
    )


def name_if_unnamed(session: Session, name: str, *, actor: str) -> bool:
    """Give the organisation a name when it has none (demo data); return whether it did."""
    row = _row(session)
    if row is not None and row.name:
        return False
    save_settings(session, OrganisationForm(name=name), actor=actor)
    return True
