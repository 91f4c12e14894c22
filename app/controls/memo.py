"""The CUEC memo an auditor reads: the CUECs of one vendor report and how we meet each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.auth.models import User
from app.controls.mapping import CuecMapping, cuec_mappings
from app.reports import service as reports_service
from app.reviews.exports import ExportValue, Sheet
from app.vendors.models import Vendor

ROW_HEADERS = (
    "Complementary user entity control",
    "Our control",
    "Control name",
    "Owner",
    "In place",
    "Evidence",
    "Checked on",
    "Confirmed by",
    "Status",
)


@dataclass(frozen=True)
class MemoReport:
    """One report's part of the memo: what it is, and its CUECs with our controls."""

    title: str
    facts: tuple[tuple[str, str], ...]
    rows: tuple[tuple[ExportValue, ...], ...]


@dataclass(frozen=True)
class Memo:
    vendor: str
    prepared_on: date
    reports: tuple[MemoReport, ...]


def _report_name(facts: dict[str, object]) -> str:
    framework = str(facts.get("framework") or "SOC")
    kind = {"type1": " Type 1", "type2": " Type 2"}.get(str(facts.get("report_type")), "")
    return f"{framework}{kind if framework != 'SOC 3' else ''}"


def _status(item: CuecMapping) -> str:
    if item.control is None:
        return "Not mapped to one of our controls"
    if item.confirmed_at is None:
        return "Awaiting the owner's confirmation" + (
            " for this report (mapped on an earlier one)" if item.carried else ""
        )
    return "In place" if item.in_place else "Not in place"


def _row(item: CuecMapping, confirmers: dict[int, str]) -> tuple[ExportValue, ...]:
    control, link = item.control, item.link
    confirmed = link is not None and link.confirmed_at is not None
    return (
        item.text,
        control.ref if control else "",
        control.name if control else "",
        control.owner_email if control else "",
        ("yes" if item.in_place else "no") if confirmed else "",
        link.evidence if link and confirmed else "",
        link.checked_on if link and confirmed else None,
        confirmers.get(link.confirmed_by_id or 0, "") if link and confirmed else "",
        _status(item),
    )


def _report_part(
    session: Session, vendor: Vendor, document_id: int, items: Sequence[CuecMapping]
) -> MemoReport:
    row = reports_service.get_facts(session, document_id)
    facts = reports_service.effective_facts(row) if row else {}
    name, end = _report_name(facts), facts.get("period_end")
    year = f" for {str(end)[:4]}" if end else ""
    mapped = [item for item in items if item.control]
    confirmed = [item for item in mapped if item.confirmed_at]
    summary = (
        f"{len(items)} listed; {len(mapped)} mapped to our controls; "
        f"{sum(1 for item in confirmed if item.in_place)} confirmed in place, "
        f"{sum(1 for item in confirmed if not item.in_place)} not in place, "
        f"{len(mapped) - len(confirmed)} awaiting confirmation"
    )
    described = (
        ("Vendor", vendor.name),
        ("Report", name),
        ("Period", f"{facts.get('period_start') or '?'} to {end or '?'}"),
        ("Service auditor", str(facts.get("service_auditor") or "not read")),
        ("CUECs", summary),
    )
    confirmers = _confirmers(session, items)
    return MemoReport(
        f"CUECs of {vendor.name}'s {name} report{year}: how we meet each",
        described,
        tuple(_row(item, confirmers) for item in items),
    )


def _confirmers(session: Session, items: Sequence[CuecMapping]) -> dict[int, str]:
    ids = {item.link.confirmed_by_id for item in items if item.link and item.link.confirmed_by_id}
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.email).where(col(User.id).in_(ids))).all()
    return {user_id: email for user_id, email in rows if user_id is not None}


def build_memo(session: Session, vendor: Vendor, *, today: date) -> Memo:
    """Gather the memo of the vendor report(s) the review relies on."""
    assert vendor.id is not None
    by_document: dict[int, list[CuecMapping]] = {}
    for item in cuec_mappings(session, vendor.id):
        by_document.setdefault(item.document_id, []).append(item)
    parts = tuple(
        _report_part(session, vendor, document_id, items)
        for document_id, items in by_document.items()
    )
    return Memo(vendor.name, today, parts)


def memo_sheets(memo: Memo) -> list[Sheet]:
    """Return the memo as spreadsheet sheets: a cover, then one sheet of CUECs per report."""
    cover: list[tuple[ExportValue, ...]] = [("Prepared on", memo.prepared_on)]
    for part in memo.reports:
        cover.append(("", ""))
        cover.append((part.title, ""))
        cover.extend(part.facts)
    if not memo.reports:
        cover.append(("CUECs", "The reports on file list no complementary user entity controls."))
    sheets = [Sheet("Memo", ("CUEC memo", memo.vendor), tuple(cover))]
    for index, part in enumerate(memo.reports, start=1):
        title = "CUECs" if len(memo.reports) == 1 else f"CUECs {index}"
        sheets.append(Sheet(title, ROW_HEADERS, part.rows))
    return sheets
