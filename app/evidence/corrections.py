"""Putting a wrong upload right: removing it, or saying whose document it is.

Each change is evidence changing too: the vendor's answers pre-filled from a removed document
are cleared, and the vendor is rescored.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.rows import id_of
from app.evidence.intake import EvidenceStore, use_evidence
from app.reports import service as reports_service
from app.reports.models import Document, DocumentIdentity
from app.requests import answer_store
from app.requests.errors import PortalLinkUnknown, RequestClosed
from app.requests.models import QuestionnaireRequest
from app.vendors import service as vendors_service
from app.vendors.models import Vendor


def _vendors_document(
    session: Session, request: QuestionnaireRequest, document_id: int
) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.request_id != request.id:
        raise PortalLinkUnknown("That document is not part of this questionnaire.")
    if not answer_store.is_editable(request):
        raise RequestClosed("This questionnaire was submitted; its files can no longer change.")
    return document


def _detach(session: Session, request: QuestionnaireRequest, document_id: int, actor: str) -> None:
    """Take the document out of file answers and clear answers that were read from it."""
    reference = str(document_id)
    for answer in answer_store.load_answers(session, id_of(request)).values():
        value = answer.value
        if isinstance(value, list) and reference in value:
            kept = [item for item in value if item != reference]
        elif answer.source_document_id == document_id:
            kept = None
        else:
            continue
        answer_store.save_answer(
            session,
            request=request,
            question_id=answer.question_id,
            value=kept or None,
            expected_version=answer.row_version,
            actor=actor,
        )


def remove_upload(
    session: Session,
    store: EvidenceStore,
    *,
    request: QuestionnaireRequest,
    document_id: int,
    actor: str,
    today: date,
) -> None:
    """Remove a file the vendor uploaded by mistake, before it submits."""
    document = _vendors_document(session, request, document_id)
    _detach(session, request, document_id, actor)
    reports_service.delete_document(
        session, document=document, storage=store.storage, actor=actor, reason="removed"
    )
    vendor = session.get(Vendor, request.vendor_id)
    if vendor is not None:
        use_evidence(session, vendor=vendor, today=today, reason="document removed", actor=actor)


def state_identity(
    session: Session,
    *,
    request: QuestionnaireRequest,
    document_id: int,
    identity: DocumentIdentity,
    actor: str,
    today: date,
) -> Document:
    """Record the vendor's word on a document about another organisation."""
    document = _vendors_document(session, request, document_id)
    document.identity = identity
    session.add(document)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.document_identity_stated,
        subject_type="document",
        subject_id=document_id,
        data={"identity": identity.value},
    )
    vendor = session.get(Vendor, request.vendor_id)
    if vendor is not None:
        use_evidence(session, vendor=vendor, today=today, reason="document identified", actor=actor)
    return document


def confirm_alias(
    session: Session, *, document: Document, actor: str, today: date
) -> Vendor | None:
    """Staff agree a document is the vendor's under another name: that name becomes an alias."""
    facts = reports_service.get_facts(session, id_of(document))
    vendor = session.get(Vendor, document.vendor_id)
    name = (reports_service.effective_facts(facts) if facts else {}).get("service_organization")
    if vendor is None or not isinstance(name, str) or not name.strip():
        return vendor
    vendors_service.add_alias(session, vendor, name, actor=actor)
    document.identity = None
    session.add(document)
    session.flush()
    use_evidence(session, vendor=vendor, today=today, reason="alias confirmed", actor=actor)
    return vendor
