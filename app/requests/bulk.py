"""One questionnaire to several vendors in one action, each to its primary contact.

Every vendor gets a request of its own (sent, linked and audited exactly as a single send), with
the same due date and message. A vendor without a contact, or one that already has the same
questionnaire open, is reported and skipped; the others are sent. Skipping an open duplicate
also makes a double-clicked button harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from app.auth.models import User
from app.core.config import Settings
from app.core.errors import DiligenceError
from app.organisation import service as organisation_service
from app.requests.models import QuestionnaireRequest
from app.requests.service import OPEN_STATUSES, send_request
from app.vendors.models import Vendor, VendorContact

CANDIDATE_LIMIT = 200


@dataclass(frozen=True)
class Candidate:
    """A vendor as the bulk form lists it, with the contact a questionnaire would go to."""

    vendor: Vendor
    contact: VendorContact | None


@dataclass(frozen=True)
class BulkOutcome:
    """What happened for one vendor: its new request, or why nothing was sent."""

    vendor: Vendor
    contact: VendorContact | None
    request: QuestionnaireRequest | None = None
    problem: str = ""


def _contacts_of(session: Session, vendor_ids: list[int]) -> dict[int, VendorContact]:
    # The primary contact, or else the first one added.
    rows = session.exec(
        select(VendorContact)
        .where(col(VendorContact.vendor_id).in_(vendor_ids))
        .order_by(col(VendorContact.is_primary).desc(), col(VendorContact.id))
    ).all()
    chosen: dict[int, VendorContact] = {}
    for contact in rows:
        chosen.setdefault(contact.vendor_id, contact)
    return chosen


def list_candidates(session: Session, *, search: str = "") -> tuple[list[Candidate], int]:
    """Return vendors by name (at most ``CANDIDATE_LIMIT``) with their contact, and the total."""
    query = select(Vendor)
    count = select(func.count()).select_from(Vendor)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(Vendor.name).like(pattern))
        count = count.where(func.lower(Vendor.name).like(pattern))
    vendors = session.exec(
        query.order_by(col(Vendor.name), col(Vendor.id)).limit(CANDIDATE_LIMIT)
    ).all()
    contacts = _contacts_of(session, [v.id for v in vendors if v.id is not None])
    candidates = [Candidate(v, contacts.get(v.id or 0)) for v in vendors]
    return candidates, session.exec(count).one()


def _open_for(session: Session, vendor_ids: list[int], slug: str) -> set[int]:
    rows = session.exec(
        select(QuestionnaireRequest.vendor_id).where(
            col(QuestionnaireRequest.vendor_id).in_(vendor_ids),
            QuestionnaireRequest.questionnaire_slug == slug,
            col(QuestionnaireRequest.status).in_([s.value for s in OPEN_STATUSES]),
        )
    ).all()
    return set(rows)


def send_to_many(
    session: Session,
    *,
    vendor_ids: list[int],
    slug: str,
    due_on: date | None,
    message: str,
    sent_by: User,
    settings: Settings,
) -> list[BulkOutcome]:
    """Send one questionnaire to each vendor's contact; return one outcome per vendor."""
    organisation_service.require_named(session, settings)
    vendors = session.exec(
        select(Vendor).where(col(Vendor.id).in_(vendor_ids)).order_by(col(Vendor.name))
    ).all()
    ids = [v.id for v in vendors if v.id is not None]
    contacts = _contacts_of(session, ids)
    already_open = _open_for(session, ids, slug)
    outcomes = []
    for vendor in vendors:
        assert vendor.id is not None
        contact = contacts.get(vendor.id)
        if contact is None:
            problem = "This vendor has no contact yet. Add one on the vendor's page."
            outcomes.append(BulkOutcome(vendor, None, problem=problem))
            continue
        if vendor.id in already_open:
            problem = "This vendor already has this questionnaire open."
            outcomes.append(BulkOutcome(vendor, contact, problem=problem))
            continue
        try:
            with session.begin_nested():
                request = send_request(
                    session,
                    vendor_id=vendor.id,
                    contact_id=contact.id,
                    slug=slug,
                    due_on=due_on,
                    message=message,
                    sent_by=sent_by,
                    settings=settings,
                )
        except DiligenceError as exc:
            outcomes.append(BulkOutcome(vendor, contact, problem=exc.message))
            continue
        outcomes.append(BulkOutcome(vendor, contact, request=request))
    return outcomes
