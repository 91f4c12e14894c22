"""The receipt a vendor gets after submitting: on screen and by e-mail."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from app.core.config import Settings
from app.mail import service as mail_service
from app.organisation import service as organisation_service
from app.requests import answer_store as answering
from app.requests.documents import documents_of
from app.requests.models import QuestionnaireRequest
from app.vendors.models import Vendor, VendorContact


def receipt_reference(request: QuestionnaireRequest) -> str:
    """Return a short reference that identifies this submission."""
    stamp = request.submitted_at.isoformat() if request.submitted_at else ""
    digest = hashlib.sha256(f"{request.id}:{stamp}".encode()).hexdigest()[:10].upper()
    return f"DLG-{request.id}-{digest}"


def receipt_context(
    session: Session, *, request: QuestionnaireRequest, settings: Settings
) -> dict[str, object]:
    """Return what the receipt page and e-mail show."""
    assert request.id is not None
    vendor = session.get(Vendor, request.vendor_id)
    contact = session.get(VendorContact, request.contact_id) if request.contact_id else None
    answers = answering.load_answers(session, request.id)
    documents = [document for document, _ in documents_of(session, request.id).values()]
    return {
        "found": request,
        "vendor": vendor,
        "contact": contact,
        "title": answering.frozen_definition(request).definition.title,
        "organisation": organisation_service.get_profile(session, settings).name,
        "reference": receipt_reference(request),
        "answered": len(answers),
        "documents": documents,
        "is_submitted": request.submitted_at is not None,
    }


def queue_receipt(session: Session, *, request: QuestionnaireRequest, settings: Settings) -> None:
    """Queue the e-mailed copy of the receipt to the vendor contact."""
    context = receipt_context(session, request=request, settings=settings)
    contact = context["contact"]
    if not isinstance(contact, VendorContact):
        return
    organisation = organisation_service.get_profile(session, settings)
    mail_service.queue_mail(
        session,
        "receipt",
        to=contact.email,
        subject=f"Receipt {context['reference']}: {context['title']}",
        context={**context, "logo_url": organisation_service.logo_url(organisation, settings)},
        purpose="receipt",
        sender=organisation.mail_sender,
        reply_to=organisation.reply_to,
    )
