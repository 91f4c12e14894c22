"""Portal links and sessions: a link is exchanged once for a short server-side session."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import vendor_actor
from app.core.config import Settings
from app.core.db import utcnow, write_beside
from app.core.rows import id_of
from app.evidence import completed, prefill
from app.evidence.advice import upload_advice
from app.evidence.intake import Destination, EvidenceStore, Upload, receive_upload
from app.portal.models import PortalSession
from app.portal.receipts import queue_receipt
from app.portal.saving import answer_clash
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import CERTIFICATE_KINDS, DOCUMENT_TYPES, QuestionType
from app.reports.models import Document, UploadChannel
from app.reports.provenance import Provenance
from app.reports.service import UploadOutcome
from app.requests import answer_store as answering
from app.requests import portal_links
from app.requests.answer_pages import (
    Progress,
    QuestionView,
    SectionView,
    build_sections,
    progress,
)
from app.requests.documents import prefill_sources
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
    PortalLinkReplaced,
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
    """Return the request a portal token opens, or raise unknown / replaced (or withdrawn)."""
    if not looks_like_token(token):
        raise PortalLinkUnknown("This link is not valid. Check that it was copied completely.")
    found = portal_links.find_link(session, token)
    if found is None:
        raise PortalLinkUnknown("This link is not valid. Check that it was copied completely.")
    if found.newer_link_sent_at is not None:
        # A withdrawn request says so first: "use the newer link" would send the vendor nowhere.
        check_link_state(found.request, utcnow())
        sent = found.newer_link_sent_at
        raise PortalLinkReplaced(
            f"A newer link was sent on {sent.day} {sent:%B %Y}. "
            "Open the most recent e-mail about this questionnaire and use the link in it."
        )
    return found.request


def exchange(session: Session, token: str) -> tuple[str, QuestionnaireRequest]:
    """Trade a valid link for a new portal session; return the session cookie value."""
    request = find_by_token(session, token)
    now = utcnow()
    check_link_state(request, now)
    assert request.id is not None
    cookie = secrets.token_urlsafe(32)
    session.add(
        PortalSession(
            session_hash=_hash(cookie),
            request_id=request.id,
            link_hash=token_hash(token),
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
        actor=vendor_actor(id_of(request)),
        action=AuditAction.request_opened,
        subject_type="request",
        subject_id=request.id,
    )
    session.flush()
    return cookie, request


# Built once: every portal request runs it, and building a statement costs more than running it.
_SESSION_AND_REQUEST = (
    select(PortalSession, QuestionnaireRequest)
    .join(QuestionnaireRequest, col(QuestionnaireRequest.id) == PortalSession.request_id)
    .where(col(PortalSession.session_hash) == bindparam("session_hash"))
)


def resolve(session: Session, cookie: str) -> QuestionnaireRequest | None:
    """Return the request behind a portal session, checking the link on every request."""
    found = session.exec(_SESSION_AND_REQUEST, params={"session_hash": _hash(cookie)}).first()
    now = utcnow()
    if found is None:
        return None
    row, request = found
    if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        return None
    # A new link replaces the earlier ones: sessions opened with them end with them.
    if not portal_links.is_live(session, request, row.link_hash):
        return None
    check_link_state(request, now)
    if now - row.last_seen_at > timedelta(minutes=1):
        # Best effort beside the request's own transaction: a page view never fails over it.
        touch = update(PortalSession).where(col(PortalSession.id) == row.id)
        write_beside(session, touch.values(last_seen_at=now))
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


def build_page(session: Session, request: QuestionnaireRequest) -> PortalPage:
    """Assemble everything the questionnaire page shows."""
    assert request.id is not None
    vendor = session.get(Vendor, request.vendor_id)
    assert vendor is not None
    contact = session.get(VendorContact, request.contact_id) if request.contact_id else None
    definition = answering.frozen_definition(request).definition
    answers = answering.load_answers(session, request.id)
    # The vendor's staff-uploaded reports pre-answer too, so the page shows them as sources.
    documents = prefill_sources(session, request)
    values = answering.answer_values(answers)
    profile = scoring_service.vendor_profile(vendor)
    today = utcnow().date()
    # answers read from reports win over those from a completed questionnaire
    prefills = completed.completed_prefills(session, request) | prefill.document_prefills(
        documents, request, values, profile, today
    )
    advice = upload_advice(definition, values, documents, profile, today)
    sections = build_sections(definition, answers, documents, prefills, advice)
    return PortalPage(
        request,
        vendor,
        contact,
        definition,
        sections,
        progress(sections),
        answering.is_editable(request),
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
        actor=vendor_actor(id_of(request)),
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
                kind = view.question.type
                if file_upload and kind not in DOCUMENT_TYPES:
                    break
                if not file_upload and kind is QuestionType.FILE_UPLOAD:
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
    if not page.is_editable:
        # Never answer "saved" for a form that can no longer change anything.
        raise RequestClosed("This questionnaire was already submitted, so nothing was saved.")
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
                    actor=vendor_actor(id_of(request)),
                )
            except AnswerConflict as exc:
                # The page shows the saved answer again: say what this window held, so that
                # nothing typed is lost and the vendor can choose.
                clash = answer_clash(
                    session, request=request, question_id=question.id, getlist=getlist
                )
                errors[question.id] = (
                    f"conflict: {exc.message} Yours (not saved): {clash.yours}. "
                    f"Saved now (shown above): {clash.saved}."
                )
            except InvalidAnswer as exc:
                errors[question.id] = exc.message
    return errors


def _was_submitted(question_id: str, getlist: Callable[[str], list[Any]]) -> bool:
    # A field the page did not show (hidden question) is absent; do not clear its answer.
    return bool(getlist(VERSION_PREFIX + question_id))


@dataclass(frozen=True)
class UploadRules:
    """How a file given for one question is taken: images allowed, and where it came from."""

    allow_images: bool
    provenance: Provenance | None = None

    @property
    def attach_to_answer(self) -> bool:
        """A trust-center answer keeps its address; its file is found by provenance."""
        return self.provenance is None


def upload_rules(
    session: Session, request: QuestionnaireRequest, question_id: str, today: date
) -> UploadRules:
    """Return how a file for a question is taken; 404 unless the question is shown and takes files.

    A file for a trust-center question keeps that answer's address and terms, and today's
    date, as where it came from; it is refused until the address is given.
    """
    view = find_question(build_page(session, request), question_id, file_upload=True)
    kinds = view.question.document_kinds or ()
    allow_images = any(kind in CERTIFICATE_KINDS for kind in kinds)
    if view.question.type is not QuestionType.TRUST_CENTER:
        return UploadRules(allow_images)
    return UploadRules(allow_images, _trust_center_source(view, today))


async def upload_for_question(
    app: Any,
    store: EvidenceStore,
    *,
    request: QuestionnaireRequest,
    question_id: str,
    source: BinaryIO,
    filename: str,
    rules: UploadRules,
) -> UploadOutcome:
    """Take a vendor's file for a question: screened, stored, read, attached, used and scored."""
    upload = Upload(
        source=source,
        filename=filename,
        channel=UploadChannel.portal,
        actor=vendor_actor(id_of(request)),
        allow_images=rules.allow_images,
        provenance=rules.provenance,
    )
    destination = Destination(id_of(request), question_id, rules.attach_to_answer)
    return await receive_upload(
        app, store, upload, vendor_id=request.vendor_id, today=utcnow().date(),
        destination=destination,
    )  # fmt: skip


def _trust_center_source(view: QuestionView, today: date) -> Provenance:
    value = view.value
    if not isinstance(value, list) or len(value) != 2 or not all(value):
        raise InvalidAnswer(
            "Give the address of the report in your trust center and the terms that apply "
            "before attaching the file."
        )
    return Provenance(url=str(value[0]), terms=str(value[1]), obtained_on=today)


def upload_completed(
    session: Session,
    store: EvidenceStore,
    *,
    request: QuestionnaireRequest,
    source: BinaryIO,
    filename: str,
) -> completed.CompletedOutcome:
    """Take a vendor's completed CAIQ or HECVAT: kept as evidence, its answers pre-filled."""
    if not answering.is_editable(request):
        raise RequestClosed("This questionnaire was submitted; files can no longer be added.")
    vendor = session.get(Vendor, request.vendor_id)
    assert vendor is not None
    upload = Upload(
        source=source,
        filename=filename,
        channel=UploadChannel.portal,
        actor=vendor_actor(id_of(request)),
    )
    return completed.receive_completed_questionnaire(
        session, store, upload, vendor=vendor, request=request
    )


def submit_answers(session: Session, *, request: QuestionnaireRequest, settings: Settings) -> bool:
    """Submit the vendor's answers; on the first submit queue the receipt and rescore."""
    is_new = answering.submit(session, request=request, actor=vendor_actor(id_of(request)))
    if is_new:
        queue_receipt(session, request=request, settings=settings)
        vendor = session.get(Vendor, request.vendor_id)
        if vendor is not None:
            scoring_service.recompute_vendor(
                session, vendor, as_of=utcnow().date(), reason="questionnaire submitted"
            )
    return is_new
