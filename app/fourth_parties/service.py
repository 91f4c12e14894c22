"""Read the portfolio's reports and vendors and build the fourth-party register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.fourth_parties.domain.register import (
    FourthParty,
    HeldReport,
    KnownVendor,
    NamedSubservice,
    build_register,
)
from app.reports.models import Document, DocumentIdentity, ReportFacts
from app.scoring.domain.identity import organization_key
from app.vendors.models import Vendor, VendorStatus


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]  # one name, as scoring reads it
    if not isinstance(value, list):
        return ()
    return tuple(str(item) for item in value if str(item).strip())


_FACT_FIELDS = (
    "service_organization",
    "subservice_organizations",
    "subservice_method",
    "period_end",
    "report_date",
)


def _corrected(row: Any) -> dict[str, Any]:
    """The facts the register reads, with staff corrections over the extracted values."""
    values = {name: getattr(row, name) for name in _FACT_FIELDS}
    corrections = row.corrections or {}
    return values | {
        name: corrections[name]["value"] for name in _FACT_FIELDS if name in corrections
    }


def _methods_by_organization(row: Any) -> tuple[tuple[str, str], ...]:
    """The method read for each organisation; a staff correction of the method wins."""
    if "subservice_method" in (row.corrections or {}):
        return ()
    methods: list[tuple[str, str]] = []
    for item in row.subservices or []:
        name, method = item.get("name"), item.get("method")
        if isinstance(name, str) and method in ("carve-out", "inclusive"):
            methods.append((organization_key(name), method))
    return tuple(methods)


def register(session: Session) -> list[FourthParty]:
    """Return the fourth-party register of the vendors we still work with."""
    # Only the columns the register reads: a facts row's evidence and findings are most of it.
    rows: Sequence[Any] = session.execute(
        sa_select(
            col(Document.id),
            col(Document.identity),
            col(Vendor.id).label("vendor_id"),
            col(Vendor.name).label("vendor_name"),
            col(Vendor.inherent_tier),
            col(Vendor.status),
            col(ReportFacts.corrections),
            col(ReportFacts.subservices),
            *(col(getattr(ReportFacts, name)) for name in _FACT_FIELDS),
        )
        .join(ReportFacts, col(ReportFacts.document_id) == col(Document.id))
        .join(Vendor, col(Vendor.id) == col(Document.vendor_id))
        .where(col(Document.malware_signature).is_(None))
    ).all()
    mentions: list[NamedSubservice] = []
    held: list[HeldReport] = []
    for row in rows:
        facts = _corrected(row)
        organization = str(facts["service_organization"] or "").strip()
        if organization:
            held.append(HeldReport(row.id, organization))
        # A subservice organisation's own report names its own suppliers: fifth parties.
        if row.identity == DocumentIdentity.subservice or row.status == VendorStatus.offboarded:
            continue
        names = _names(facts["subservice_organizations"])
        if names:
            mentions.append(
                NamedSubservice(
                    vendor_id=row.vendor_id,
                    vendor_name=row.vendor_name,
                    vendor_tier=row.inherent_tier.value if row.inherent_tier else None,
                    document_id=row.id,
                    organizations=names,
                    method=facts["subservice_method"],
                    as_of=_as_date(facts["period_end"]) or _as_date(facts["report_date"]),
                    methods=_methods_by_organization(row),
                )
            )
    known = session.execute(
        sa_select(
            col(Vendor.id), col(Vendor.name), col(Vendor.aliases), col(Vendor.domain)
        ).order_by(col(Vendor.name), col(Vendor.id))
    ).all()
    vendors = [
        KnownVendor(vendor_id, name, (name, *(aliases or [])), domain or "")
        for vendor_id, name, aliases, domain in known
    ]
    return build_register(mentions, held, vendors)


def document_names(session: Session, entries: Sequence[FourthParty]) -> dict[int, str]:
    """Return the file name of each report the register cites."""
    ids = {dependent.document_id for entry in entries for dependent in entry.dependents}
    if not ids:
        return {}
    rows = session.execute(
        sa_select(col(Document.id), col(Document.filename)).where(col(Document.id).in_(ids))
    ).all()
    return {int(row.id): str(row.filename) for row in rows}
