"""Telling the vendor that an item waits for it: an e-mail with a link to its items.

The link is an additional portal link of the vendor's most recent request that still opens
(the same kind a reminder carries), so the link the vendor already holds keeps working. With
no such request, or no contact on it, nobody is told and the staff page says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, or_, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.config import Settings
from app.core.db import utcnow
from app.mail import service as mail_service
from app.organisation import service as organisation_service
from app.remediation.domain.rules import RemediationStatus
from app.remediation.models import RemediationItem
from app.requests import portal_links
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.vendors.models import Vendor, VendorContact

# The portal opens the vendor's items after the link is used, not the questionnaire.
REMEDIATION_LANDING = "remediation"


class NotTold(StrEnum):
    """Why a vendor could not be told (each has a sentence on the staff page)."""

    no_link = "no_link"
    no_contact = "no_contact"
    unnamed = "unnamed"


@dataclass(frozen=True)
class VendorNotice:
    """Who was told, or why nobody was."""

    sent_to: str | None = None
    not_told: NotTold | None = None


def _open_request(session: Session, vendor_id: int) -> QuestionnaireRequest | None:
    """Return the vendor's most recent request whose link still opens the portal."""
    now = utcnow()
    return session.exec(
        select(QuestionnaireRequest)
        .where(
            QuestionnaireRequest.vendor_id == vendor_id,
            col(QuestionnaireRequest.token_hash).is_not(None),
            col(QuestionnaireRequest.revoked_at).is_(None),
            col(QuestionnaireRequest.status).not_in(
                [RequestStatus.draft.value, RequestStatus.cancelled.value]
            ),
            or_(
                col(QuestionnaireRequest.expires_at).is_(None),
                col(QuestionnaireRequest.expires_at) > now,
            ),
        )
        .order_by(col(QuestionnaireRequest.created_at).desc(), col(QuestionnaireRequest.id).desc())
    ).first()


def _contact(session: Session, request: QuestionnaireRequest) -> VendorContact | None:
    """Return the request's contact, else the vendor's primary contact."""
    if request.contact_id is not None:
        return session.get(VendorContact, request.contact_id)
    return session.exec(
        select(VendorContact).where(
            VendorContact.vendor_id == request.vendor_id, col(VendorContact.is_primary).is_(True)
        )
    ).first()


def after_change(
    session: Session, item: RemediationItem, *, settings: Settings, actor: str
) -> VendorNotice | None:
    """Tell the vendor when a change left the item waiting for it; None when it does not."""
    if item.status is not RemediationStatus.waiting_for_vendor:
        return None
    return tell_vendor(session, item, settings=settings, actor=actor)


def tell_vendor(
    session: Session, item: RemediationItem, *, settings: Settings, actor: str
) -> VendorNotice:
    """E-mail the vendor's contact a fresh link to its items; audit who was told or why not."""
    request = _open_request(session, item.vendor_id)
    contact = _contact(session, request) if request is not None else None
    organisation = organisation_service.get_profile(session, settings)
    reason = (
        NotTold.no_link if request is None
        else NotTold.no_contact if contact is None
        else None if organisation.is_named
        else NotTold.unnamed
    )  # fmt: skip
    if request is None or contact is None or reason is not None:
        _audit(session, item, actor, told=False, reason=reason)
        return VendorNotice(not_told=reason)
    vendor = session.get(Vendor, item.vendor_id)
    assert vendor is not None
    token = portal_links.issue_reminder_link(session, request, utcnow())
    mail_service.queue_mail(
        session,
        "remediation",
        to=contact.email,
        subject=f"{organisation.name}: a change to make for {vendor.name}",
        context={
            "contact": contact,
            "vendor": vendor,
            "item": item,
            "organisation": organisation.name,
            "logo_url": organisation_service.logo_url(organisation, settings),
            "link": f"{settings.public_base_url}/portal/{token}?next={REMEDIATION_LANDING}",
        },
        purpose="remediation",
        sender=organisation.mail_sender,
        reply_to=organisation.reply_to,
    )
    _audit(session, item, actor, told=True, request_id=request.id, contact_id=contact.id)
    return VendorNotice(sent_to=contact.email)


def _audit(session: Session, item: RemediationItem, actor: str, **data: object) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.remediation_vendor_told,
        subject_type="remediation_item",
        subject_id=item.id or 0,
        data={"vendor_id": item.vendor_id, **data},
    )
