"""Reminders before and after a due date, and notices before a vendor's report stops being current.

Each reminder has a key that records it once sent, so running the command twice (or daily
from cron) never sends the same reminder again. Keys include the due date, so extending a
request starts its reminders afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit import actors
from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.config import Settings
from app.core.db import utcnow
from app.core.rows import id_of
from app.mail import service as mail_service
from app.organisation import service as organisation_service
from app.questionnaires.library import get_definition
from app.reports.models import Document, ReportFacts
from app.requests import portal_links
from app.requests.models import QuestionnaireRequest, ReminderLog
from app.requests.service import OPEN_STATUSES
from app.vendors.models import Vendor, VendorContact

BEFORE_DUE_DAYS = (7, 1)
AFTER_DUE_EVERY_DAYS = 7
AFTER_DUE_MAX = 3
CURRENCY_NOTICE_DAYS = (60, 30)
REPORT_CURRENT_DAYS = 365


@dataclass(frozen=True)
class ReminderRun:
    due_reminders: int
    currency_notices: int


def due_reminder_key(request: QuestionnaireRequest, today: date) -> str | None:
    """Return the key of the reminder this request should get today, or None."""
    if request.due_on is None:
        return None
    days_left = (request.due_on - today).days
    if days_left >= 0:
        eligible = [n for n in sorted(BEFORE_DUE_DAYS) if days_left <= n]
        return (
            f"request:{request.id}:due:{request.due_on}:before:{eligible[0]}" if eligible else None
        )
    overdue = -days_left
    number = min(AFTER_DUE_MAX, 1 + (overdue - 1) // AFTER_DUE_EVERY_DAYS)
    return f"request:{request.id}:due:{request.due_on}:after:{number}"


def _claim(
    session: Session, key: str, *, kind: str, request_id: int | None, vendor_id: int | None
) -> bool:
    # The unique key is the lock: a concurrent run that loses the insert skips the mail.
    if session.exec(select(ReminderLog).where(ReminderLog.dedupe_key == key)).first():
        return False
    try:
        with session.begin_nested():
            session.add(
                ReminderLog(dedupe_key=key, kind=kind, request_id=request_id, vendor_id=vendor_id)
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def _open_requests(session: Session) -> list[tuple[QuestionnaireRequest, Vendor, VendorContact]]:
    rows = session.exec(
        select(QuestionnaireRequest, Vendor, VendorContact)
        .join(Vendor, col(Vendor.id) == QuestionnaireRequest.vendor_id)
        .join(VendorContact, col(VendorContact.id) == QuestionnaireRequest.contact_id)
        .where(
            col(QuestionnaireRequest.status).in_([s.value for s in OPEN_STATUSES]),
            col(QuestionnaireRequest.revoked_at).is_(None),
            col(QuestionnaireRequest.due_on).is_not(None),
        )
    ).all()
    return list(rows)


def send_due_reminders(session: Session, *, today: date, settings: Settings) -> int:
    """Queue the reminders due today for open requests; return how many."""
    count = 0
    organisation = organisation_service.get_profile(session, settings)
    for request, vendor, contact in _open_requests(session):
        key = due_reminder_key(request, today)
        if key is None or not _claim(
            session, key, kind="due", request_id=request.id, vendor_id=vendor.id
        ):
            continue
        assert request.due_on is not None
        token = portal_links.issue_reminder_link(session, request, utcnow())
        title = get_definition(
            request.questionnaire_slug, request.questionnaire_version
        ).definition.title
        days_left = (request.due_on - today).days
        subject = (
            f"Reminder: {title} due {request.due_on}"
            if days_left >= 0
            else f"Overdue: {title} was due {request.due_on}"
        )
        mail_service.queue_mail(
            session,
            "reminder",
            to=contact.email,
            subject=subject,
            purpose="reminder",
            context={
                "contact": contact,
                "vendor": vendor,
                "found": request,
                "title": title,
                "days_left": days_left,
                "organisation": organisation.name,
                "link": f"{settings.public_base_url}/portal/{token}",
                "logo_url": organisation_service.logo_url(organisation, settings),
            },
            sender=organisation.mail_sender,
            reply_to=organisation.reply_to,
        )
        audit_service.record(
            session,
            actor=actors.SYSTEM,
            action=AuditAction.reminder_sent,
            subject_type="request",
            subject_id=id_of(request),
            data={"key": key},
        )
        count += 1
    return count


def _latest_reports(session: Session) -> list[tuple[Document, ReportFacts]]:
    rows = session.exec(
        select(Document, ReportFacts)
        .join(ReportFacts, col(ReportFacts.document_id) == Document.id)
        .where(ReportFacts.doc_kind == "soc_report", col(ReportFacts.period_end).is_not(None))
        .order_by(col(ReportFacts.period_end).desc())
    ).all()
    latest: dict[int, tuple[Document, ReportFacts]] = {}
    for document, facts in rows:
        latest.setdefault(document.vendor_id, (document, facts))
    return list(latest.values())


def send_currency_notices(session: Session, *, today: date, settings: Settings) -> int:
    """Warn vendors 60 and 30 days before their newest report stops being current."""
    count = 0
    organisation = organisation_service.get_profile(session, settings)
    for document, facts in _latest_reports(session):
        assert facts.period_end is not None
        current_until = facts.period_end + timedelta(days=REPORT_CURRENT_DAYS)
        days_left = (current_until - today).days
        eligible = [n for n in sorted(CURRENCY_NOTICE_DAYS) if 0 <= days_left <= n]
        if not eligible:
            continue
        contact = session.exec(
            select(VendorContact)
            .where(VendorContact.vendor_id == document.vendor_id)
            .order_by(col(VendorContact.is_primary).desc(), col(VendorContact.id))
        ).first()
        vendor = session.get(Vendor, document.vendor_id)
        key = f"document:{document.id}:currency:{eligible[0]}"
        if (
            contact is None
            or vendor is None
            or not _claim(session, key, kind="currency", request_id=None, vendor_id=vendor.id)
        ):
            continue
        mail_service.queue_mail(
            session,
            "currency_notice",
            to=contact.email,
            purpose="currency_notice",
            subject=f"Your {facts.framework or 'SOC'} report is current until {current_until}",
            context={
                "contact": contact,
                "vendor": vendor,
                "framework": facts.framework or "SOC",
                "period_end": facts.period_end,
                "current_until": current_until,
                "days_left": days_left,
                "organisation": organisation.name,
                "logo_url": organisation_service.logo_url(organisation, settings),
            },
            sender=organisation.mail_sender,
            reply_to=organisation.reply_to,
        )
        count += 1
    return count


def send_reminders(session: Session, *, today: date, settings: Settings) -> ReminderRun:
    """Queue every reminder and notice due today."""
    return ReminderRun(
        send_due_reminders(session, today=today, settings=settings),
        send_currency_notices(session, today=today, settings=settings),
    )
