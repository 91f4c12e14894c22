"""Sending questionnaire requests to vendors and managing them until they are accepted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, case
from sqlmodel import Session, col, func, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.models import User
from app.core.config import Settings
from app.core.db import utcnow
from app.core.errors import InvalidInput
from app.core.pagination import Page, PageRequest
from app.core.rows import id_of
from app.core.versions import check_version, fingerprint
from app.mail import service as mail_service
from app.organisation import service as organisation_service
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.library import get_definition
from app.reports import service as reports_service
from app.requests import answer_store as answering
from app.requests import portal_links
from app.requests.domain.answer_words import answer_words
from app.requests.domain.urgency import DUE_SOON_DAYS, Urgency, urgency_of
from app.requests.errors import InvalidTransition, RequestNotFound
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.vendors.models import Vendor, VendorContact

OPEN_STATUSES = frozenset(
    {
        RequestStatus.sent,
        RequestStatus.opened,
        RequestStatus.in_progress,
        RequestStatus.changes_requested,
    }
)
LINK_DAYS_WITHOUT_DUE_DATE = 60


@dataclass(frozen=True)
class RequestRow:
    request: QuestionnaireRequest
    vendor: Vendor
    contact: VendorContact | None
    title: str = ""  # the questionnaire's title, as people call it
    sender: str = ""  # who sent it: a name, or an e-mail address; empty for scheduled sends
    urgency: Urgency = Urgency.none


def questionnaire_title(request: QuestionnaireRequest) -> str:
    """Return the title of the questionnaire version the request froze (its slug if removed)."""
    try:
        loaded = get_definition(request.questionnaire_slug, request.questionnaire_version)
    except DefinitionNotFound:
        return request.questionnaire_slug
    return loaded.definition.title


def _link_expiry(due_on: date | None, now: datetime, settings: Settings) -> datetime:
    if due_on is None:
        return now + timedelta(days=LINK_DAYS_WITHOUT_DUE_DATE)
    end_of_due_day = datetime.combine(due_on, time.max, tzinfo=now.tzinfo)
    return end_of_due_day + timedelta(days=settings.portal_link_days_after_due)


def get_request(session: Session, request_id: int) -> QuestionnaireRequest:
    """Return a request or raise RequestNotFound."""
    request = session.get(QuestionnaireRequest, request_id)
    if request is None:
        raise RequestNotFound(f"There is no questionnaire request with id {request_id}.")
    return request


def _contact_of(session: Session, vendor_id: int, contact_id: int | None) -> VendorContact:
    contact = session.get(VendorContact, contact_id) if contact_id else None
    if contact is None or contact.vendor_id != vendor_id:
        raise InvalidInput("Choose one of this vendor's contacts.", field="contact_id")
    return contact


def _record(
    session: Session,
    actor: User | str,
    action: AuditAction,
    request: QuestionnaireRequest,
    **data: object,
) -> None:
    audit_service.record(
        session,
        actor=actor if isinstance(actor, str) else user_actor(id_of(actor)),
        action=action,
        subject_type="request",
        subject_id=id_of(request),
        data=dict(data),
    )


def _queue_invitation(
    session: Session,
    request: QuestionnaireRequest,
    token: str,
    *,
    settings: Settings,
    note: str = "",
) -> None:
    vendor = session.get(Vendor, request.vendor_id)
    contact = _contact_of(session, request.vendor_id, request.contact_id)
    assert vendor is not None
    organisation = organisation_service.require_named(session, settings)
    title = get_definition(
        request.questionnaire_slug, request.questionnaire_version
    ).definition.title
    mail_service.queue_mail(
        session,
        "invitation",
        to=contact.email,
        subject=f"{organisation.name}: {title} for {vendor.name}",
        context={
            "contact": contact,
            "vendor": vendor,
            "found": request,
            "title": title,
            "link": f"{settings.public_base_url}/portal/{token}",
            "organisation": organisation.name,
            "logo_url": organisation_service.logo_url(organisation, settings),
            "note": note,
        },
        purpose="invitation",
        sender=organisation.mail_sender,
        reply_to=organisation.reply_to,
    )


def _issue_link(
    session: Session, request: QuestionnaireRequest, now: datetime, settings: Settings
) -> str:
    token = portal_links.issue_current_link(session, request, now)
    request.revoked_at = None
    request.expires_at = _link_expiry(request.due_on, now, settings)
    return token


def send_request(
    session: Session,
    *,
    vendor_id: int,
    contact_id: int | None,
    slug: str,
    due_on: date | None,
    message: str,
    sent_by: User | str,
    settings: Settings,
) -> QuestionnaireRequest:
    """Freeze the latest version of a questionnaire, create a link and queue the invitation.

    ``sent_by`` is the staff member, or the actor of a scheduled send (see audit/actors.py).
    """
    now = utcnow()
    if due_on is not None and due_on < now.date():
        raise InvalidInput(
            "The due date cannot be in the past: choose today or a later day.", field="due_on"
        )
    _contact_of(session, vendor_id, contact_id)
    try:
        loaded = get_definition(slug)
    except DefinitionNotFound as error:
        if "no released version" in str(error):
            raise InvalidInput(
                "This questionnaire is a draft: release it before sending it to vendors.",
                field="questionnaire",
            ) from None
        raise InvalidInput(
            "Choose one of the listed questionnaires.", field="questionnaire"
        ) from None
    request = QuestionnaireRequest(
        vendor_id=vendor_id,
        contact_id=contact_id,
        questionnaire_slug=slug,
        questionnaire_version=loaded.definition.version,
        content_hash=loaded.content_hash,
        status=RequestStatus.sent,
        message=message.strip(),
        due_on=due_on,
        sent_at=now,
        created_by_id=None if isinstance(sent_by, str) else sent_by.id,
        created_at=now,
        updated_at=now,
    )
    token = _issue_link(session, request, now, settings)
    session.add(request)
    session.flush()
    _queue_invitation(session, request, token, settings=settings, note=request.message)
    _record(
        session,
        sent_by,
        AuditAction.request_sent,
        request,
        questionnaire=slug,
        version=request.questionnaire_version,
        contact_id=contact_id,
    )
    return request


def _require_open(request: QuestionnaireRequest, verb: str) -> None:
    if request.status in (RequestStatus.cancelled, RequestStatus.accepted):
        raise InvalidTransition(f"A {request.status.value} request cannot be {verb}.")


def resend_link(
    session: Session, *, request: QuestionnaireRequest, actor: User, settings: Settings
) -> None:
    """Issue a new link and e-mail it again; earlier links say that a newer one was sent."""
    _require_open(request, "resent")
    now = utcnow()
    token = _issue_link(session, request, now, settings)
    request.updated_at = now
    session.add(request)
    _queue_invitation(session, request, token, settings=settings, note=request.message)
    _record(session, actor, AuditAction.request_resent, request)


def issue_link_to_copy(
    session: Session, *, request: QuestionnaireRequest, actor: User, settings: Settings
) -> str:
    """Issue a fresh link for staff to pass on themselves (earlier ones stop working); no mail.

    Only the token's hash is stored, so an earlier link cannot be shown again.
    """
    _require_open(request, "given a new link")
    organisation_service.require_named(session, settings)
    now = utcnow()
    token = _issue_link(session, request, now, settings)
    request.updated_at = now
    session.add(request)
    _record(session, actor, AuditAction.request_link_copied, request)
    return f"{settings.public_base_url}/portal/{token}"


def revoke_link(session: Session, *, request: QuestionnaireRequest, actor: User) -> None:
    """Stop the current link from working; resending issues a new one."""
    request.revoked_at = request.revoked_at or utcnow()
    session.add(request)
    _record(session, actor, AuditAction.request_revoked, request)


def due_date_version(request: QuestionnaireRequest) -> str:
    """The version of a request's due date as the extend form shows it (hidden form field)."""
    return fingerprint(request.due_on, request.status.value)


def extend_due_date(
    session: Session,
    *,
    request: QuestionnaireRequest,
    due_on: date,
    actor: User,
    settings: Settings,
    expected_version: str | None,
) -> None:
    """Move the due date later and keep the link alive until after it.

    A date chosen on a page opened before someone else changed the due date is refused.
    """
    session.refresh(request, with_for_update=True)  # PostgreSQL: concurrent saves queue here
    check_version(expected_version, due_date_version(request), what="this request's due date")
    _require_open(request, "extended")
    now = utcnow()
    if due_on < now.date():
        raise InvalidInput(
            "The new due date cannot be in the past: choose today or a later day.", field="due_on"
        )
    previous = request.due_on
    request.due_on = due_on
    request.expires_at = max(request.expires_at or now, _link_expiry(due_on, now, settings))
    request.updated_at = now
    session.add(request)
    _record(
        session,
        actor,
        AuditAction.request_extended,
        request,
        previous=previous.isoformat() if previous else None,
        due_on=due_on.isoformat(),
    )


def request_changes(
    session: Session,
    *,
    request: QuestionnaireRequest,
    message: str,
    actor: User,
    settings: Settings,
) -> None:
    """Reopen a submitted questionnaire with a message; the vendor gets a fresh link."""
    if request.status is not RequestStatus.submitted:
        raise InvalidTransition("Changes can only be requested on a submitted questionnaire.")
    if not message.strip():
        raise InvalidInput("Tell the vendor what to change.")
    now = utcnow()
    request.status = RequestStatus.changes_requested
    request.updated_at = now
    token = _issue_link(session, request, now, settings)
    session.add(request)
    _queue_invitation(session, request, token, settings=settings, note=message.strip())
    _record(session, actor, AuditAction.request_changes_requested, request, message=message.strip())


def cancel_request(session: Session, *, request: QuestionnaireRequest, actor: User) -> None:
    """Cancel a request that is no longer needed; its link stops working."""
    _require_open(request, "cancelled")
    now = utcnow()
    request.status = RequestStatus.cancelled
    request.revoked_at = request.revoked_at or now
    request.updated_at = now
    session.add(request)
    _record(session, actor, AuditAction.request_cancelled, request)


def accept_request(session: Session, *, request: QuestionnaireRequest, actor: User) -> None:
    """Mark a submitted questionnaire as accepted; it becomes read-only for good."""
    if request.status is not RequestStatus.submitted:
        raise InvalidTransition("Only a submitted questionnaire can be accepted.")
    request.status = RequestStatus.accepted
    request.revoked_at = request.revoked_at or utcnow()
    request.updated_at = utcnow()
    session.add(request)
    _record(session, actor, AuditAction.request_accepted, request)


def _urgency_order(today: date) -> ColumnElement[int]:
    # Mirrors domain.urgency.urgency_of in SQL: overdue first, then due soon, then the rest.
    is_open = col(QuestionnaireRequest.status).in_([s.value for s in OPEN_STATUSES])
    due = col(QuestionnaireRequest.due_on)
    return case(
        (is_open & (due < today), 0),
        (is_open & (due <= today + timedelta(days=DUE_SOON_DAYS)), 1),
        else_=2,
    )


def list_requests(
    session: Session,
    *,
    page: PageRequest,
    today: date | None = None,
    status: RequestStatus | None = None,
    vendor_id: int | None = None,
    sent_by_id: int | None = None,
    search: str = "",
) -> Page[RequestRow]:
    """Return one page of requests, newest first, with their vendor, contact and sender.

    Given ``today``, overdue requests come first, then those due soon, then the rest (the
    staff list); ``sent_by_id`` keeps the requests one staff member sent ("my requests").
    """
    query = (
        select(QuestionnaireRequest, Vendor, VendorContact, User)
        .join(Vendor, col(Vendor.id) == QuestionnaireRequest.vendor_id)
        .outerjoin(VendorContact, col(VendorContact.id) == QuestionnaireRequest.contact_id)
        .outerjoin(User, col(User.id) == QuestionnaireRequest.created_by_id)
    )
    count = (
        select(func.count())
        .select_from(QuestionnaireRequest)
        .join(Vendor, col(Vendor.id) == QuestionnaireRequest.vendor_id)
    )
    filters: list[ColumnElement[bool]] = []
    if status is not None:
        filters.append(col(QuestionnaireRequest.status) == status)
    if vendor_id is not None:
        filters.append(col(QuestionnaireRequest.vendor_id) == vendor_id)
    if sent_by_id is not None:
        filters.append(col(QuestionnaireRequest.created_by_id) == sent_by_id)
    if search.strip():
        filters.append(func.lower(Vendor.name).like(f"%{search.strip().lower()}%"))
    for condition in filters:
        query, count = query.where(condition), count.where(condition)
    if today is not None:
        urgency = _urgency_order(today)
        due_first = case((urgency < 2, col(QuestionnaireRequest.due_on)), else_=None)
        query = query.order_by(urgency, due_first.asc().nulls_last())
    query = query.order_by(col(QuestionnaireRequest.id).desc())
    rows = session.exec(query.offset(page.offset).limit(page.size)).all()
    items = [
        RequestRow(r, v, c, questionnaire_title(r), sender=_person(u), urgency=_urgency(r, today))
        for r, v, c, u in rows
    ]
    return Page(items, session.exec(count).one(), page)


def _urgency(request: QuestionnaireRequest, today: date | None) -> Urgency:
    if today is None:
        return Urgency.none
    is_open = request.status in OPEN_STATUSES
    return urgency_of(is_open=is_open, due_on=request.due_on, today=today)


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


def detail_context(session: Session, request: QuestionnaireRequest) -> dict[str, object]:
    """Return what the staff page of one request shows: status, answers, documents."""
    assert request.id is not None
    vendor = session.get(Vendor, request.vendor_id)
    contact = session.get(VendorContact, request.contact_id) if request.contact_id else None
    loaded = answering.frozen_definition(request)
    answers = answering.load_answers(session, request.id)
    vendor_documents = reports_service.list_documents(session, vendor_id=request.vendor_id)
    documents = [(d, facts) for d, facts in vendor_documents if d.request_id == request.id]
    file_names = {str(document.id): document.filename for document, _ in vendor_documents}
    questions = {question.id: question for question in loaded.definition.questions()}
    return {
        "found": request,
        "vendor": vendor,
        "contact": contact,
        "definition": loaded.definition,
        "answers": {
            qid: answer_words(questions[qid], row.value, file_names)
            for qid, row in answers.items()
            if qid in questions
        },
        "documents": documents,
        "is_open": request.status in OPEN_STATUSES,
        "due_date_version": due_date_version(request),
    }


# --- Used by the JSON API: read a request and lock its row until the transaction ends. ---


def get_request_for_update(session: Session, request_id: int) -> QuestionnaireRequest:
    """Return a request with its row locked (PostgreSQL), or raise RequestNotFound."""
    request = session.get(
        QuestionnaireRequest, request_id, with_for_update=True, populate_existing=True
    )
    if request is None:
        raise RequestNotFound(f"There is no questionnaire request with id {request_id}.")
    return request
