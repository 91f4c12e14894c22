"""Reading remediation items: per vendor, across the portfolio, overdue, and an item's history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.auth.models import User
from app.core.pagination import Page, PageRequest
from app.remediation.domain.rules import ACTIVE, VENDOR_ANSWERABLE, RemediationStatus
from app.remediation.models import EntryKind, RemediationEntry, RemediationItem
from app.remediation.schemas import EntryView, ItemRow, ListFilters
from app.reports.models import Document
from app.vendors.models import Vendor

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _name(user: User | None) -> str | None:
    return (user.full_name or user.email) if user is not None else None


def _rows_query() -> Any:
    owner = aliased(User)
    return (
        select(RemediationItem, Vendor.name, owner)
        .join(Vendor, col(Vendor.id) == RemediationItem.vendor_id)
        .outerjoin(owner, col(owner.id) == RemediationItem.owner_id)
    )


def _rows(results: Any) -> list[ItemRow]:
    return [ItemRow(item, vendor_name, _name(owner)) for item, vendor_name, owner in results]


def _by_urgency() -> list[Any]:
    return [col(RemediationItem.due_on).asc().nulls_last(), col(RemediationItem.id)]


def item_row(session: Session, item: RemediationItem) -> ItemRow:
    """Return one item with its vendor's and owner's names."""
    found = session.exec(_rows_query().where(col(RemediationItem.id) == item.id)).one()
    return _rows([found])[0]


def for_vendor(session: Session, vendor_id: int) -> list[ItemRow]:
    """Return a vendor's items: those being worked on first (soonest due), then finished ones."""
    rows = _rows(
        session.exec(
            _rows_query().where(RemediationItem.vendor_id == vendor_id).order_by(*_by_urgency())
        )
    )
    return sorted(rows, key=lambda row: row.item.status not in ACTIVE)


def for_portal(session: Session, vendor_id: int) -> list[ItemRow]:
    """Return what the vendor sees through its link: items still being worked on."""
    return _rows(
        session.exec(
            _rows_query()
            .where(RemediationItem.vendor_id == vendor_id, col(RemediationItem.status).in_(ACTIVE))
            .order_by(*_by_urgency())
        )
    )


def answerable_count(session: Session, vendor_id: int) -> int:
    """Return how many items wait for the vendor's answer."""
    return session.exec(
        select(func.count())
        .select_from(RemediationItem)
        .where(
            RemediationItem.vendor_id == vendor_id,
            col(RemediationItem.status).in_(VENDOR_ANSWERABLE),
        )
    ).one()


def _filter(filters: ListFilters, today: date) -> list[Any]:
    conditions: list[Any] = []
    if filters.status == "active":
        conditions.append(col(RemediationItem.status).in_(ACTIVE))
    elif filters.status == "overdue":
        conditions += [col(RemediationItem.status).in_(ACTIVE), col(RemediationItem.due_on) < today]
    elif filters.status:
        conditions.append(RemediationItem.status == RemediationStatus(filters.status))
    if filters.owner_id is not None:
        conditions.append(RemediationItem.owner_id == filters.owner_id)
    return conditions


def list_items(
    session: Session,
    *,
    filters: ListFilters,
    page: PageRequest,
    today: date,
    vendor_id: int | None = None,
) -> Page[ItemRow]:
    """Return one page of items across the portfolio (or one vendor), soonest due first."""
    conditions = _filter(filters, today)
    if vendor_id is not None:
        conditions.append(RemediationItem.vendor_id == vendor_id)
    query = _rows_query().where(*conditions).order_by(*_by_urgency())
    rows = _rows(session.exec(query.offset(page.offset).limit(page.size)))
    total = session.exec(select(func.count()).select_from(RemediationItem).where(*conditions)).one()
    return Page(rows, total, page)


def overdue(session: Session, *, today: date, limit: int) -> list[ItemRow]:
    """Return items past their due date and still being worked on, the most overdue first."""
    query = (
        _rows_query()
        .where(col(RemediationItem.status).in_(ACTIVE), col(RemediationItem.due_on) < today)
        .order_by(*_by_urgency())
        .limit(limit)
    )
    return _rows(session.exec(query))


def history(session: Session, item_id: int, *, for_vendor: bool = False) -> list[EntryView]:
    """Return an item's history, oldest first; the vendor does not see staff notes."""
    query = (
        select(RemediationEntry, User, Document.filename)
        .outerjoin(User, col(User.id) == RemediationEntry.author_id)
        .outerjoin(Document, col(Document.id) == RemediationEntry.document_id)
        .where(RemediationEntry.item_id == item_id)
        .order_by(col(RemediationEntry.id))
    )
    if for_vendor:
        query = query.where(RemediationEntry.kind != EntryKind.staff_note)
    views = []
    for entry, author, filename in session.exec(query).all():
        views.append(
            EntryView(
                kind=entry.kind,
                who=_who(entry, author, for_vendor=for_vendor),
                text=entry.text,
                document_id=entry.document_id,
                document_name=filename,
                status_from=entry.status_from,
                status_to=entry.status_to,
                at=entry.created_at,
            )
        )
    return views


def _who(entry: RemediationEntry, author: User | None, *, for_vendor: bool) -> str:
    if entry.kind is EntryKind.vendor_answer:
        return "The vendor" if not for_vendor else "You"
    if author is not None and not for_vendor:
        return author.full_name or author.email
    if entry.actor.startswith("system") or entry.actor == "cli":
        return "Automatically"
    return "Our team" if for_vendor else "Staff"
