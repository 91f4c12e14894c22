"""The weekly digest to risk officers: expiring reports, lapsed ones, follow-ups due, overdue
remediation.

Each officer gets at most one digest per ISO week: the dedupe key
``review-digest:<year>-W<week>:user:<id>`` is claimed in ``reminder_log`` before the message is
queued, so running the command twice (or on two machines) sends nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.audit import actors
from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.auth.models import Role, User
from app.core.config import Settings
from app.core.rows import id_of
from app.core.templating import build_environment
from app.mail.models import OutgoingMail
from app.mail.transport import html_to_text
from app.organisation import service as organisation_service
from app.remediation import queries as remediation_queries
from app.requests.models import ReminderLog
from app.reviews import service as reviews_service
from app.reviews.domain.rules import EXPIRING_SOON_DAYS
from app.reviews.models import VendorReview

DIGEST_KIND = "review_digest"
FOLLOW_UP_DAYS = 14
LIST_LIMIT = 25


@dataclass(frozen=True)
class DigestRun:
    week: str
    sent: int
    already_sent: int


def iso_week(today: date) -> str:
    """Return the ISO week label of a day, e.g. ``2026-W48``."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def dedupe_key(today: date, user_id: int) -> str:
    """Return the key that lets one officer receive one digest per ISO week."""
    return f"review-digest:{iso_week(today)}:user:{user_id}"


def _claim(session: Session, key: str) -> bool:
    if session.exec(select(ReminderLog.id).where(ReminderLog.dedupe_key == key)).first():
        return False
    try:
        with session.begin_nested():
            session.add(ReminderLog(dedupe_key=key, kind=DIGEST_KIND))
            session.flush()
    except IntegrityError:  # another run claimed it first
        return False
    return True


def _context(session: Session, today: date) -> dict[str, object]:
    upcoming, lapsed = reviews_service.expiring(
        session, today=today, within_days=EXPIRING_SOON_DAYS, limit=LIST_LIMIT
    )
    awaiting = session.exec(
        select(func.count())
        .select_from(VendorReview)
        .where(
            VendorReview.request_status == "submitted",
            col(VendorReview.latest_decision).is_(None),
        )
    ).one()
    return {
        "upcoming": upcoming,
        "lapsed": lapsed,
        "follow_ups": reviews_service.follow_ups_due(
            session, today=today, within_days=FOLLOW_UP_DAYS
        )[:LIST_LIMIT],
        "remediation_overdue": remediation_queries.overdue(session, today=today, limit=LIST_LIMIT),
        "awaiting": awaiting,
        "within_days": EXPIRING_SOON_DAYS,
        "week": iso_week(today),
    }


def send_digest(session: Session, *, today: date, settings: Settings) -> DigestRun:
    """Queue this week's digest for every active risk officer who has not had it yet."""
    officers = session.exec(
        select(User)
        .where(User.role == Role.risk_officer, col(User.is_active).is_(True))
        .order_by(col(User.id))
    ).all()
    context = _context(session, today)
    template = build_environment().get_template("reviews/digest_email.html")
    subject = f"Vendor assurance digest, week {iso_week(today)}"
    organisation = organisation_service.get_profile(session, settings).name
    sent = skipped = 0
    for officer in officers:
        if not _claim(session, dedupe_key(today, id_of(officer))):
            skipped += 1
            continue
        html = template.render(
            subject=subject,
            name=officer.full_name or officer.email,
            base_url=settings.public_base_url,
            organisation=organisation,
            **context,
        )
        session.add(
            OutgoingMail(
                to=officer.email,
                subject=subject,
                text_body=html_to_text(html),
                html_body=html,
                purpose=DIGEST_KIND,
            )
        )
        sent += 1
    if sent:
        audit_service.record(
            session,
            actor=actors.SYSTEM,
            action=AuditAction.review_digest_sent,
            subject_type="digest",
            subject_id=iso_week(today),
            data={"recipients": sent},
        )
    session.flush()
    return DigestRun(week=iso_week(today), sent=sent, already_sent=skipped)
