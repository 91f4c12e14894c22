"""Vendor use cases."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.db import utcnow
from app.core.pagination import Page, PageRequest
from app.core.rows import id_of
from app.core.versions import check_version, fingerprint
from app.vendors.domain.profile import inherent_tier
from app.vendors.models import InherentTier, Vendor, VendorContact
from app.vendors.schemas import ContactForm, VendorForm


def list_vendors(session: Session, *, page: PageRequest, search: str = "") -> Page[Vendor]:
    """Return one page of vendors, filtered by a name search, ordered by name."""
    query = select(Vendor)
    count = select(func.count()).select_from(Vendor)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(Vendor.name).like(pattern))
        count = count.where(func.lower(Vendor.name).like(pattern))
    items = session.exec(
        query.order_by(col(Vendor.name), col(Vendor.id)).offset(page.offset).limit(page.size)
    ).all()
    return Page(list(items), session.exec(count).one(), page)


def get_vendor(session: Session, vendor_id: int) -> Vendor | None:
    """Return a vendor by id, if it exists."""
    return session.get(Vendor, vendor_id)


def list_contacts(session: Session, *, vendor_id: int) -> list[VendorContact]:
    """Return a vendor's contacts, primary contact first."""
    rows = session.exec(
        select(VendorContact)
        .where(VendorContact.vendor_id == vendor_id)
        .order_by(col(VendorContact.is_primary).desc(), col(VendorContact.name))
    ).all()
    return list(rows)


def create_vendor(
    session: Session,
    *,
    name: str,
    domain: str = "",
    services_used: str = "",
    data_categories: list[str] | None = None,
    inherent_tier: InherentTier | None = None,
    aliases: list[str] | None = None,
) -> Vendor:
    """Create a vendor record."""
    now = utcnow()
    vendor = Vendor(
        name=name.strip(),
        aliases=clean_aliases(aliases or [], name),
        domain=domain.strip().lower(),
        services_used=services_used.strip(),
        data_categories=sorted(set(data_categories or [])),
        inherent_tier=inherent_tier,
        created_at=now,
        updated_at=now,
    )
    session.add(vendor)
    session.flush()
    return vendor


def clean_aliases(aliases: list[str], name: str) -> list[str]:
    """Return the other names once each, trimmed, without the legal name itself."""
    seen: dict[str, str] = {}
    for alias in aliases:
        cleaned = " ".join(alias.split())[:200]
        if cleaned and cleaned.casefold() != name.strip().casefold():
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())[:50]


def add_alias(session: Session, vendor: Vendor, alias: str, *, actor: str) -> Vendor:
    """Add one other name (from a document the vendor says is its own) and record it."""
    before = list(vendor.aliases)
    vendor.aliases = clean_aliases([*before, alias], vendor.name)
    if vendor.aliases == before:
        return vendor
    vendor.updated_at = utcnow()
    session.add(vendor)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.vendor_updated,
        subject_type="vendor",
        subject_id=id_of(vendor),
        data={"changed": {"aliases": {"from": before, "to": vendor.aliases}}},
    )
    return vendor


def add_contact(
    session: Session,
    *,
    vendor_id: int,
    name: str,
    email: str,
    title: str = "",
    is_primary: bool = False,
) -> VendorContact:
    """Add a person at the vendor whom questionnaires can be sent to."""
    contact = VendorContact(
        vendor_id=vendor_id,
        name=name.strip(),
        email=email.strip().lower(),
        title=title.strip(),
        is_primary=is_primary,
    )
    session.add(contact)
    session.flush()
    return contact


def _audited_fields(vendor: Vendor) -> dict[str, Any]:
    return {
        "name": vendor.name,
        "domain": vendor.domain,
        "services_used": vendor.services_used,
        "data_categories": list(vendor.data_categories),
        "inherent_tier": vendor.inherent_tier.value if vendor.inherent_tier else None,
        "status": vendor.status.value,
        "profile": dict(vendor.profile),
        "aliases": list(vendor.aliases),
        "trust_center_url": vendor.trust_center_url,
        "trust_center_terms": vendor.trust_center_terms,
    }


def vendor_version(vendor: Vendor) -> str:
    """The version of what the staff forms edit (hidden form field), so stale saves are refused."""
    return fingerprint(_audited_fields(vendor))


def _check_current(session: Session, vendor: Vendor, expected_version: str | None) -> None:
    # Locks the row on PostgreSQL and reads it afresh, so a concurrent save is seen here.
    get_vendor_for_update(session, id_of(vendor))
    check_version(expected_version, vendor_version(vendor), what="this vendor")


def edit_vendor(
    session: Session, vendor: Vendor, form: VendorForm, *, actor: str, expected_version: str | None
) -> Vendor:
    """Apply the staff edit form, unless the vendor changed since the form was opened (409)."""
    _check_current(session, vendor, expected_version)
    return update_vendor(session, vendor, form, actor=actor)


def assess_profile_from_page(
    session: Session,
    vendor: Vendor,
    answers: dict[str, Any],
    *,
    actor: str,
    expected_version: str | None,
) -> InherentTier:
    """Store the staff profile form, unless the vendor changed since it was opened (409)."""
    _check_current(session, vendor, expected_version)
    return assess_profile(session, vendor, answers, actor=actor)


def update_vendor(session: Session, vendor: Vendor, form: VendorForm, *, actor: str) -> Vendor:
    """Apply the edit form to a vendor and record what changed."""
    before = _audited_fields(vendor)
    vendor.name = form.name
    vendor.domain = form.domain.lower()
    vendor.aliases = clean_aliases(form.alias_list(), form.name)
    vendor.services_used = form.services_used
    vendor.data_categories = sorted(set(form.data_categories))
    vendor.inherent_tier = form.inherent_tier
    vendor.status = form.status
    vendor.profile = {**vendor.profile, **form.profile()}
    vendor.trust_center_url = form.trust_center_url or None
    vendor.trust_center_terms = form.trust_center_terms or None
    vendor.updated_at = utcnow()
    session.add(vendor)
    session.flush()
    after = _audited_fields(vendor)
    changed = {
        key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]
    }
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.vendor_updated,
        subject_type="vendor",
        subject_id=id_of(vendor),
        data={"changed": changed},
    )
    return vendor


def create_vendor_from_form(session: Session, form: VendorForm, *, actor: str) -> Vendor:
    """Create a vendor from the form and record it."""
    vendor = create_vendor(
        session,
        name=form.name,
        domain=form.domain,
        services_used=form.services_used,
        data_categories=form.data_categories,
        inherent_tier=form.inherent_tier,
        aliases=form.alias_list(),
    )
    vendor.status = form.status
    vendor.profile = form.profile()
    vendor.trust_center_url = form.trust_center_url or None
    vendor.trust_center_terms = form.trust_center_terms or None
    session.add(vendor)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.vendor_created,
        subject_type="vendor",
        subject_id=id_of(vendor),
        data={"name": vendor.name},
    )
    return vendor


def add_contact_from_form(
    session: Session, vendor: Vendor, form: ContactForm, *, actor: str
) -> VendorContact:
    """Add a contact from the form; a new primary contact replaces the old one."""
    assert vendor.id is not None
    if form.is_primary:
        for other in list_contacts(session, vendor_id=vendor.id):
            other.is_primary = False
            session.add(other)
    contact = add_contact(
        session,
        vendor_id=vendor.id,
        name=form.name,
        email=str(form.email),
        title=form.title,
        is_primary=form.is_primary or not list_contacts(session, vendor_id=vendor.id),
    )
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.vendor_contact_added,
        subject_type="vendor",
        subject_id=vendor.id,
        data={"contact_id": contact.id, "email": contact.email},
    )
    return contact


def assess_profile(
    session: Session, vendor: Vendor, answers: dict[str, Any], *, actor: str
) -> InherentTier:
    """Store the vendor-profile intake and the inherent tier and flags derived from it."""
    result = inherent_tier(answers)
    flags = {
        "personal_data": result.flags.personal_data,
        "confidential_data": result.flags.confidential_data,
        "uptime_critical": result.flags.uptime_critical,
        "transaction_processing": result.flags.transaction_processing,
        "icfr_relevant": result.flags.icfr_relevant,
        "ai_features": result.flags.ai_features,
        "ai_processes_our_data": result.flags.ai_processes_our_data,
    }
    vendor.profile = {
        **vendor.profile,
        **flags,
        "intake": answers,
        "tier_reasons": list(result.reasons),
        "tier_points": result.points,
    }
    vendor.inherent_tier = InherentTier(result.tier.value)
    vendor.updated_at = utcnow()
    session.add(vendor)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.vendor_profile_assessed,
        subject_type="vendor",
        subject_id=id_of(vendor),
        data={"tier": result.tier.value, "points": result.points},
    )
    return vendor.inherent_tier


# --- Used by the JSON API: read a vendor and lock its row until the transaction ends. ---


def get_vendor_for_update(session: Session, vendor_id: int) -> Vendor | None:
    """Return a vendor with its row locked (PostgreSQL), so a compare-then-write is atomic."""
    return session.get(Vendor, vendor_id, with_for_update=True, populate_existing=True)
