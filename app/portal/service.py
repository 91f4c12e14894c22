"""Portal links and sessions: a link is exchanged once for a short server-side session."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.config import Settings
from app.core.db import utcnow
from app.jobs.queue import get_job_queue
from app.portal import prefill
from app.portal.models import PortalSession
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import QuestionType
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts, UploadChannel
from app.reports.storage import get_storage
from app.requests import answer_store as answering
from app.requests.answer_pages import (
    Progress,
    QuestionView,
    SectionView,
    build_sections,
    progress,
)
from app.requests.domain.answer_input import (
    VERSION_PREFIX,
    FormValueError,
    answer_from_form,
    expected_version,
)
from app.requests.errors import (
    AnswerConflict,
    InvalidAnswer,
    PortalLinkExpired,
    PortalLinkRevoked,
    PortalLinkUnknown,
    RequestClosed,
)
from app.requests.links import looks_like_token, token_hash
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.scoring import service as scoring_service
from app.vendors.models import Vendor, VendorContact

SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=8)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def check_link_state(request: QuestionnaireRequest, now: datetime) -> None:
    """Raise when the request's link no longer opens the portal."""
    if request.revoked_at is not None or request.status is RequestStatus.cancelled:
        raise PortalLinkRevoked("This link was withdrawn by the organisation that sent it.")
    if request.expires_at is not None and request.expires_at <= now:
        raise PortalLinkExpired("This link has expired.")


def find_by_token(session: Session, token: str) -> QuestionnaireRequest:
    """Return the request a portal token opens, or raise unknown / expired / revoked."""
    if not looks_like_token(token):
        raise PortalLinkUnknown("This link is not valid. Check that it was copied completely.")
    request = session.exec(
        select(QuestionnaireRequest).where(QuestionnaireRequest.token_hash == token_hash(token))
    ).first()
    if request is None:
        raise PortalLinkUnknown("This link is not valid. Check that it was copied completely.")
    return request


def exchange(session: Session, token: str) -> tuple[str, QuestionnaireRequest]:
    """Trade a valid link for a new portal session; return the session cookie value."""
    request = find_by_token(session, token)
    now = utcnow()
    check_link_state(request, now)
    assert request.id is not None
    assert request.token_hash is not None
    cookie = secrets.token_urlsafe(32)
    session.add(
        PortalSession(
            session_hash=_hash(cookie),
            request_id=request.id,
            link_hash=request.token_hash,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE,
        )
    )
    if request.opened_at is None:
        request.opened_at = now
    if request.status is RequestStatus.sent:
        request.status = RequestStatus.opened
    session.add(request)
    audit_service.record(
        session,
        actor=f"vendor:request:{request.id}",
        action=AuditAction.request_opened,
        subject_type="request",
        subject_id=request.id,
    )
    session.flush()
    return cookie, request


def resolve(session: Session, cookie: str) -> QuestionnaireRequest | None:
    """Return the request behind a portal session, checking the link on every request."""
    found = session.exec(
        select(PortalSession, QuestionnaireRequest)
        .join(QuestionnaireRequest, col(QuestionnaireRequest.id) == PortalSession.request_id)
        .where(PortalSession.session_hash == _hash(cookie))
    ).first()
    now = utcnow()
    if found is None:
        return None
    row, request = found
    if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        return None
    # A resent link replaces the hash: sessions opened with the old link end with it.
    if request.token_hash != row.link_hash:
        return None
    check_link_state(request, now)
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.add(row)
    return request


@dataclass(frozen=True)
class PortalPage:
    request: QuestionnaireRequest
    vendor: Vendor
    contact: VendorContact | None
    definition: QuestionnaireDefinition
    sections: list[SectionView]
    progress: Progress
    is_editable: bool


def documents_of(
    session: Session, request_id: int
) -> dict[str, tuple[Document, ReportFacts | None]]:
    """Return the documents uploaded through a request, keyed by the reference answers use."""
    rows = session.exec(
        select(Document, ReportFacts)
        .outerjoin(ReportFacts, col(ReportFacts.document_id) == Document.id)
        .where(Document.request_id == request_id)
    ).all()
    return {str(document.id): (document, facts) for document, facts in rows}


def build_page(session: Session, request: QuestionnaireRequest) -> PortalPage:
    """Assemble everything the questionnaire page shows."""
    assert request.id is not None
    vendor = session.get(Vendor, request.vendor_id)
    assert vendor is not None
    contact = session.get(VendorContact, request.contact_id) if request.contact_id else None
    definition = answering.frozen_definition(request).definition
    answers = answering.load_answers(session, request.id)
    documents = documents_of(session, request.id)
    prefills = prefill.document_prefills(documents, request, utcnow().date())
    sections = build_sections(definition, answers, documents, prefills)
    return PortalPage(
        request,
        vendor,
        contact,
        definition,
        sections,
        progress(sections),
        answering.is_editable(request),
    )


def attach_upload(
    session: Session,
    *,
    request: QuestionnaireRequest,
    question_id: str,
    outcome_document_id: int,
) -> None:
    """Add an uploaded document to a file question's answer (keeping earlier files)."""
    assert request.id is not None
    current = answering.load_answers(session, request.id).get(question_id)
    refs = list(current.value) if current and isinstance(current.value, list) else []
    reference = str(outcome_document_id)
    if reference not in refs:
        refs.append(reference)
    answering.save_answer(
        session,
        request=request,
        question_id=question_id,
        value=refs,
        expected_version=current.row_version if current else None,
        actor=f"vendor:request:{request.id}",
    )


def record_feedback(
    session: Session, *, request: QuestionnaireRequest, document_id: int, note: str
) -> Document:
    """Keep the vendor's note that something read from its document is wrong."""
    document = session.get(Document, document_id)
    if document is None or document.request_id != request.id:
        raise PortalLinkUnknown("That document is not part of this questionnaire.")
    document.vendor_feedback = note.strip()[:2000]
    session.add(document)
    audit_service.record(
        session,
        actor=f"vendor:request:{request.id}",
        action=AuditAction.document_vendor_feedback,
        subject_type="document",
        subject_id=document_id,
        data={"note": document.vendor_feedback},
    )
    return document


def landing_context(session: Session, request: QuestionnaireRequest) -> dict[str, object]:
    """Return what the landing page shows before the vendor continues."""
    vendor = session.get(Vendor, request.vendor_id)
    definition = answering.frozen_definition(request).definition
    questions = sum(len(section.questions) for section in definition.sections)
    return {
        "found": request,
        "vendor": vendor,
        "definition": definition,
        "question_count": questions,
    }


def find_question(page: PortalPage, question_id: str, *, file_upload: bool = False) -> QuestionView:
    """Return a visible question of the page, or refuse the save."""
    for section in page.sections:
        for view in section.questions:
            if view.question.id == question_id:
                is_file = view.question.type is QuestionType.FILE_UPLOAD
                if is_file != file_upload:
                    break
                return view
    raise InvalidAnswer(f"There is no such question '{question_id}' here.")


def save_form(
    session: Session,
    *,
    request: QuestionnaireRequest,
    page: PortalPage,
    getlist: Callable[[str], list[Any]],
) -> dict[str, str]:
    """Save every changed answer of the full (no-JavaScript) form; return errors by question."""
    errors: dict[str, str] = {}
    for section in page.sections:
        for view in section.questions:
            question = view.question
            if question.type is QuestionType.FILE_UPLOAD or not view.is_visible:
                continue
            if not _was_submitted(question.id, getlist):
                continue
            try:
                value = answer_from_form(question, getlist)
            except FormValueError as exc:
                errors[question.id] = str(exc)
                continue
            if value == view.value or (value is None and view.value is None):
                continue
            try:
                answering.save_answer(
                    session,
                    request=request,
                    question_id=question.id,
                    value=value,
                    expected_version=expected_version(question.id, getlist),
                    actor=f"vendor:request:{request.id}",
                )
            except AnswerConflict as exc:
                errors[question.id] = f"conflict: {exc.message}"
            except InvalidAnswer as exc:
                errors[question.id] = exc.message
    return errors


def _was_submitted(question_id: str, getlist: Callable[[str], list[Any]]) -> bool:
    # A field the page did not show (hidden question) is absent; do not clear its answer.
    return bool(getlist(VERSION_PREFIX + question_id))


def upload_for_question(
    session: Session,
    *,
    request: QuestionnaireRequest,
    question_id: str,
    source: BinaryIO,
    filename: str,
    settings: Settings,
    allow_images: bool,
) -> reports_service.UploadOutcome:
    """Store a vendor's file, read it, attach it to the question and rescore the vendor."""
    if not answering.is_editable(request):
        raise RequestClosed("This questionnaire was submitted; files can no longer be added.")
    outcome = reports_service.upload_document(
        session,
        storage=get_storage(settings),
        source=source,
        filename=filename,
        vendor_id=request.vendor_id,
        request_id=request.id,
        channel=UploadChannel.portal,
        actor=f"vendor:request:{request.id}",
        max_bytes=settings.max_upload_bytes,
        allow_images=allow_images,
        reading_queue=get_job_queue(settings),
    )
    assert outcome.document.id is not None
    attach_upload(
        session, request=request, question_id=question_id, outcome_document_id=outcome.document.id
    )
    assert request.id is not None
    prefill.prefill_answers(
        session,
        request=request,
        documents=documents_of(session, request.id),
        today=utcnow().date(),
    )
    rescore(session, request.vendor_id, reason="document uploaded")
    return outcome


def submit_answers(session: Session, *, request: QuestionnaireRequest, settings: Settings) -> bool:
    """Submit the vendor's answers; on the first submit queue the receipt and rescore."""
    is_new = answering.submit(session, request=request, actor=f"vendor:request:{request.id}")
    if is_new:
        from app.portal.receipts import queue_receipt

        queue_receipt(session, request=request, settings=settings)
        rescore(session, request.vendor_id, reason="questionnaire submitted")
    return is_new


def rescore(session: Session, vendor_id: int, *, reason: str) -> None:
    """Recompute the vendor's score after its evidence changed."""
    vendor = session.get(Vendor, vendor_id)
    if vendor is not None:
        scoring_service.recompute_vendor(session, vendor, as_of=utcnow().date(), reason=reason)
