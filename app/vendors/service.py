"""Vendor use cases."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from app.core.db import utcnow
from app.core.pagination import Page, PageRequest
from app.vendors.models import InherentTier, Vendor, VendorContact


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
) -> Vendor:
    """Create a vendor record."""
    now = utcnow()
    vendor = Vendor(
        name=name.strip(),
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
