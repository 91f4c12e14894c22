"""The risk officer's dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.core.pagination import Page, PageRequest
from app.scoring.models import Score
from app.vendors import service as vendors_service
from app.vendors.models import Vendor


@dataclass(frozen=True)
class DashboardRow:
    vendor: Vendor
    score: Score | None


def _latest_scores(session: Session, vendor_ids: list[int]) -> dict[int, Score]:
    if not vendor_ids:
        return {}
    latest = (
        select(Score.vendor_id, func.max(Score.id).label("score_id"))
        .where(col(Score.vendor_id).in_(vendor_ids))
        .group_by(col(Score.vendor_id))
        .subquery()
    )
    rows = session.exec(select(Score).join(latest, col(Score.id) == latest.c.score_id)).all()
    return {row.vendor_id: row for row in rows}


def dashboard(session: Session, *, page: PageRequest, search: str = "") -> Page[DashboardRow]:
    """Return one page of vendors with their latest score."""
    vendors = vendors_service.list_vendors(session, page=page, search=search)
    scores = _latest_scores(session, [v.id for v in vendors.items if v.id is not None])
    rows = [DashboardRow(v, scores.get(v.id or 0)) for v in vendors.items]
    return Page(rows, vendors.total, vendors.request)
