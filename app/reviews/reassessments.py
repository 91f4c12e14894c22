"""Reassessment by tier: when a vendor's review date comes, its tier's questionnaires go out.

Run daily (the worker's schedule or ``diligence reassessments send``). Each vendor is sent
one reassessment per review date: the ``reassessment`` row remembers it, so running twice,
or on the following days, sends nothing more. A new decision moves the date on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.audit.actors import SYSTEM
from app.auth.models import User
from app.core.config import Settings
from app.core.errors import InvalidInput
from app.requests import service as requests_service
from app.reviews.cadence import tier_reassessment
from app.reviews.models import Reassessment, VendorReview
from app.vendors.models import Vendor, VendorContact, VendorStatus

logger = logging.getLogger(__name__)
ANSWER_WITHIN_DAYS = 30


@dataclass(frozen=True)
class ReassessmentRun:
    vendors: int  # vendors sent their reassessment
    requests: int  # questionnaires sent
    without_contact: int  # due, but no primary contact to send to (tried again tomorrow)


def primary_contact(session: Session, vendor_id: int) -> VendorContact | None:
    """Return the vendor's primary contact, the earliest one when several are marked."""
    return session.exec(
        select(VendorContact)
        .where(VendorContact.vendor_id == vendor_id, col(VendorContact.is_primary).is_(True))
        .order_by(col(VendorContact.id))
    ).first()


def _due(session: Session, today: date) -> list[tuple[Vendor, date]]:
    already = select(Reassessment.id).where(
        Reassessment.vendor_id == VendorReview.vendor_id,
        Reassessment.due_on == VendorReview.next_review_on,
    )
    rows = session.exec(
        select(Vendor, col(VendorReview.next_review_on))
        .join(VendorReview, col(VendorReview.vendor_id) == col(Vendor.id))
        .where(
            col(VendorReview.next_review_on) <= today,
            col(Vendor.inherent_tier).is_not(None),
            Vendor.status != VendorStatus.offboarded,
            ~already.exists(),
        )
        .order_by(col(Vendor.id))
    ).all()
    return [(vendor, due_on) for vendor, due_on in rows if due_on is not None]


def send_due_reassessments(
    session: Session, *, today: date, settings: Settings, actor: str = SYSTEM
) -> ReassessmentRun:
    """Send the tier's questionnaires to every vendor whose review date has come, once."""
    vendors = requests = without_contact = 0
    for vendor, due_on in _due(session, today):
        assert vendor.id is not None
        contact = primary_contact(session, vendor.id)
        if contact is None:
            without_contact += 1
            logger.warning(
                "reassessment of vendor %s is due but it has no primary contact", vendor.id
            )
            continue
        sent = _send(session, vendor, contact, today=today, settings=settings, actor=actor)
        if not sent:
            continue  # nothing went out (see the log): try again tomorrow
        session.add(
            Reassessment(
                vendor_id=vendor.id, due_on=due_on, contact_id=contact.id, request_ids=sent
            )
        )
        session.flush()
        vendors += 1
        requests += len(sent)
    return ReassessmentRun(vendors, requests, without_contact)


def _send(
    session: Session,
    vendor: Vendor,
    contact: VendorContact,
    *,
    today: date,
    settings: Settings,
    actor: str,
) -> list[int]:
    assert vendor.inherent_tier is not None
    plan = tier_reassessment(vendor.inherent_tier)
    message = (
        f"It is time for the periodic review of {vendor.name} "
        f"(every {plan.months} months for its tier). Please answer by the due date."
    )
    return send_questionnaires(
        session,
        vendor,
        contact,
        plan.questionnaires,
        SendNote(message=message, today=today, actor=actor),
        settings=settings,
    )


@dataclass(frozen=True)
class SendNote:
    """What goes with a send: the message to the contact, the day, and who sends."""

    message: str
    today: date
    actor: User | str  # the staff member, or a scheduled send's actor


def send_questionnaires(
    session: Session,
    vendor: Vendor,
    contact: VendorContact,
    slugs: tuple[str, ...],
    note: SendNote,
    *,
    settings: Settings,
) -> list[int]:
    """Send questionnaires to one contact, due in 30 days; return the ids of those sent.

    A questionnaire the library no longer holds is skipped (and logged); the others go out.
    """
    sent: list[int] = []
    for slug in slugs:
        try:
            request = requests_service.send_request(
                session,
                vendor_id=vendor.id or 0,
                contact_id=contact.id,
                slug=slug,
                due_on=note.today + timedelta(days=ANSWER_WITHIN_DAYS),
                message=note.message,
                sent_by=note.actor,
                settings=settings,
            )
        except InvalidInput as exc:
            logger.error("sending questionnaires to vendor %s: %s", vendor.id, exc)
            continue
        sent.append(request.id or 0)
    return sent
