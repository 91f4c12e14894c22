"""Read the portfolio's reports and vendors and build the fourth-party register."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.fourth_parties.domain.register import (
    FourthParty,
    HeldReport,
    KnownVendor,
    NamedSubservice,
    build_register,
)
from app.reports.models import Document, DocumentIdentity, ReportFacts
from app.reports.service import effective_facts
from app.vendors.models import Vendor, VendorStatus


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(item) for item in value if str(item).strip())


def register(session: Session) -> list[FourthParty]:
    """Return the fourth-party register of the vendors we still work with."""
    rows = session.exec(
        select(Document, ReportFacts, Vendor)
        .join(ReportFacts, col(ReportFacts.document_id) == col(Document.id))
        .join(Vendor, col(Vendor.id) == col(Document.vendor_id))
        .where(col(Document.malware_signature).is_(None))
    ).all()
    mentions: list[NamedSubservice] = []
    held: list[HeldReport] = []
    for document, facts, vendor in rows:
        effective = effective_facts(facts)
        organization = str(effective.get("service_organization") or "").strip()
        if organization:
            held.append(HeldReport(document.id or 0, organization))
        # A subservice organisation's own report names its own suppliers: fifth parties.
        if document.identity == DocumentIdentity.subservice:
            continue
        if vendor.status == VendorStatus.offboarded:
            continue
        names = _names(effective.get("subservice_organizations"))
        if names:
            mentions.append(
                NamedSubservice(
                    vendor_id=vendor.id or 0,
                    vendor_name=vendor.name,
                    vendor_tier=vendor.inherent_tier.value if vendor.inherent_tier else None,
                    document_id=document.id or 0,
                    organizations=names,
                    method=effective.get("subservice_method"),
                    as_of=_as_date(effective.get("period_end"))
                    or _as_date(effective.get("report_date")),
                )
            )
    vendors = [
        KnownVendor(v.id or 0, v.name, (v.name, *v.aliases), v.domain)
        for v in session.exec(select(Vendor).order_by(col(Vendor.name))).all()
    ]
    return build_register(mentions, held, vendors)
