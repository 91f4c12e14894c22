"""The risk officer's dashboard and the list of reports about to stop being current."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, func, select

from app.core.pagination import Page, PageRequest
from app.remediation import service as remediation_service
from app.reviews.domain.reassessment import REVIEW_DUE_SOON_DAYS
from app.reviews.domain.rules import EXPIRING_SOON_DAYS
from app.reviews.models import VendorReview
from app.reviews.schemas import DashboardFilters, DashboardRow
from app.vendors.models import Vendor

MAX_EXPORT_ROWS = 20_000
_REVIEW_COLUMNS = (
    "score_value",
    "computed_value",
    "is_overridden",
    "band",
    "residual_risk",
    "provisional",
    "best_report",
    "period_end",
    "current_until",
    "exceptions_count",
    "open_findings",
    "has_contradictions",
    "request_status",
    "latest_decision",
    "latest_decision_at",
    "follow_up_on",
    "next_review_on",
    "missing_requirements",
)


def _base_query() -> Any:
    columns = [getattr(VendorReview, name) for name in _REVIEW_COLUMNS]
    return select(Vendor.id, Vendor.name, Vendor.inherent_tier, *columns).outerjoin(
        VendorReview, col(VendorReview.vendor_id) == Vendor.id
    )


def _conditions(filters: DashboardFilters, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(func.lower(Vendor.name).contains(filters.q.lower(), autoescape=True))
    if filters.band:
        conditions.append(col(VendorReview.band) == filters.band)
    if filters.tier:
        conditions.append(col(Vendor.inherent_tier) == filters.tier)
    if filters.status == "none":
        conditions.append(col(VendorReview.request_status).is_(None))
    elif filters.status:
        conditions.append(col(VendorReview.request_status) == filters.status)
    until = col(VendorReview.current_until)
    if filters.currency == "expiring":
        soon = today + timedelta(days=EXPIRING_SOON_DAYS)
        conditions.append(and_(until >= today, until <= soon))
    elif filters.currency == "lapsed":
        conditions.append(until < today)
    elif filters.currency == "none":
        conditions.append(until.is_(None))
    if filters.review:
        conditions.append(_review_condition(filters.review, today))
    return conditions + _flag_conditions(filters, today)


def _flag_conditions(filters: DashboardFilters, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.contradictions:
        conditions.append(col(VendorReview.has_contradictions).is_(True))
    if filters.no_decision:
        conditions.append(col(VendorReview.latest_decision).is_(None))
    if filters.overdue_remediation:
        conditions.append(remediation_service.overdue_clause(Vendor.id, today))
    if filters.missing:
        conditions.append(col(VendorReview.missing_requirements) > 0)
    return conditions


def _review_condition(review: str, today: date) -> ColumnElement[bool]:
    review_on = col(VendorReview.next_review_on)
    if review == "overdue":
        return review_on < today
    return and_(review_on >= today, review_on <= today + timedelta(days=REVIEW_DUE_SOON_DAYS))


def _needs_review(filters: DashboardFilters) -> bool:
    return bool(
        filters.band
        or filters.status
        or filters.currency
        or filters.contradictions
        or filters.no_decision
        or filters.review
        or filters.missing
    )


def _ordering(sort: str) -> list[Any]:
    # The indexed column, not lower(name): sorting 10,000 computed keys costs more than the page.
    name = col(Vendor.name)
    orders: dict[str, list[Any]] = {
        "name": [name],
        "score": [col(VendorReview.score_value).asc().nulls_last(), name],
        "-score": [col(VendorReview.score_value).desc().nulls_last(), name],
        "risk": [col(VendorReview.risk_rank).desc().nulls_last(), name],
        "current_until": [col(VendorReview.current_until).asc().nulls_last(), name],
        "decided": [col(VendorReview.latest_decision_at).desc().nulls_last(), name],
    }
    return [*orders.get(sort, orders["name"]), col(Vendor.id)]


def _to_row(row: Any) -> DashboardRow:
    vendor_id, name, tier, *rest = row
    values = dict(zip(_REVIEW_COLUMNS, rest, strict=True))
    values["is_overridden"] = bool(values["is_overridden"])
    values["provisional"] = bool(values["provisional"])
    values["has_contradictions"] = bool(values["has_contradictions"])
    values["open_findings"] = values["open_findings"] or 0
    values["missing_requirements"] = values["missing_requirements"] or 0
    return DashboardRow(
        vendor_id=vendor_id, name=name, inherent_tier=tier.value if tier else None, **values
    )


def dashboard(
    session: Session, *, filters: DashboardFilters, page: PageRequest, today: date
) -> Page[DashboardRow]:
    """Return one page of vendors with their review summary, filtered and sorted."""
    conditions = _conditions(filters, today)
    query = _base_query().where(*conditions).order_by(*_ordering(filters.sort))
    count = select(func.count()).select_from(Vendor)
    if _needs_review(filters):
        count = count.outerjoin(VendorReview, col(VendorReview.vendor_id) == Vendor.id)
    count = count.where(*conditions)
    rows = session.exec(query.offset(page.offset).limit(page.size)).all()
    items = _with_remediation(session, [_to_row(row) for row in rows], today)
    return Page(items, session.exec(count).one(), page)


def _with_remediation(
    session: Session, rows: list[DashboardRow], today: date
) -> list[DashboardRow]:
    """Add each vendor's count of overdue remediation items (one query for the page)."""
    counts = remediation_service.overdue_counts(session, [row.vendor_id for row in rows], today)
    return [replace(row, overdue_remediation=counts.get(row.vendor_id, 0)) for row in rows]


def dashboard_rows(
    session: Session, *, filters: DashboardFilters, today: date, limit: int = MAX_EXPORT_ROWS
) -> list[DashboardRow]:
    """Return every row of the current dashboard view (for exports), up to a limit."""
    query = _base_query().where(*_conditions(filters, today)).order_by(*_ordering(filters.sort))
    rows = [_to_row(row) for row in session.exec(query.limit(limit)).all()]
    return _with_remediation(session, rows, today)


def expiring(
    session: Session, *, today: date, within_days: int, limit: int = 500
) -> tuple[list[DashboardRow], list[DashboardRow]]:
    """Return reports that stop being current within some days, and those already lapsed."""
    until = col(VendorReview.current_until)
    soon = today + timedelta(days=within_days)
    base = _base_query().where(until.is_not(None))
    upcoming = session.exec(
        base.where(until >= today, until <= soon).order_by(until, col(Vendor.id)).limit(limit)
    ).all()
    lapsed = session.exec(
        base.where(until < today).order_by(until.desc(), col(Vendor.id)).limit(limit)
    ).all()
    return [_to_row(row) for row in upcoming], [_to_row(row) for row in lapsed]


def follow_ups_due(session: Session, *, today: date, within_days: int) -> list[DashboardRow]:
    """Return vendors whose conditional approval has a follow-up date due soon or passed."""
    due = col(VendorReview.follow_up_on)
    query = (
        _base_query()
        .where(
            due.is_not(None),
            due <= today + timedelta(days=within_days),
            col(VendorReview.latest_decision) == "approved_with_conditions",
        )
        .order_by(due, col(Vendor.id))
        .limit(500)
    )
    return [_to_row(row) for row in session.exec(query).all()]


# --- Used by the JSON API: the dashboard filters plus "report lapses within N days". ---


def filtered_dashboard(
    session: Session,
    *,
    filters: DashboardFilters,
    page: PageRequest,
    today: date,
    expiring_within_days: int | None = None,
) -> Page[DashboardRow]:
    """Return one dashboard page; optionally only vendors whose report lapses within N days."""
    conditions = _conditions(filters, today)
    if expiring_within_days is not None:
        until = col(VendorReview.current_until)
        soon = today + timedelta(days=expiring_within_days)
        conditions.append(and_(until >= today, until <= soon))
    query = _base_query().where(*conditions).order_by(*_ordering(filters.sort))
    count = (
        select(func.count())
        .select_from(Vendor)
        .outerjoin(VendorReview, col(VendorReview.vendor_id) == Vendor.id)
        .where(*conditions)
    )
    rows = session.exec(query.offset(page.offset).limit(page.size)).all()
    items = _with_remediation(session, [_to_row(row) for row in rows], today)
    return Page(items, session.exec(count).one(), page)
