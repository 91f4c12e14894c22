"""Reminders go out on the right days, once each, with a fake clock."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from app.mail.models import OutgoingMail
from app.reports.models import Document, ReportFacts, UploadChannel
from app.requests.models import RequestStatus
from app.requests.reminders import due_reminder_key, send_reminders
from app.vendors import service as vendors_service
from tests.factories import make_vendor
from tests.portal_helpers import send_request


def _reminders(session):
    return session.exec(
        select(OutgoingMail).where(OutgoingMail.purpose.in_(["reminder", "currency_notice"]))
    ).all()


def test_reminders_come_7_and_1_days_before_and_weekly_after_at_most_three(session, settings):
    request, _ = send_request(session, settings, due_in_days=30)
    due = request.due_on
    sent_on = []
    for offset in range(-10, 40):
        today = due + timedelta(days=offset)
        if send_reminders(session, today=today, settings=settings).due_reminders:
            sent_on.append(offset)
    assert sent_on == [-7, -1, 1, 8, 15]
    # Running again on any day sends nothing more.
    for offset in (-7, -1, 1, 8, 15, 40):
        assert (
            send_reminders(
                session, today=due + timedelta(days=offset), settings=settings
            ).due_reminders
            == 0
        )
    assert len([m for m in _reminders(session) if m.purpose == "reminder"]) == 5


def test_a_late_first_run_sends_one_reminder_not_a_backlog(session, settings):
    request, _ = send_request(session, settings, due_in_days=30)
    run = send_reminders(session, today=request.due_on - timedelta(days=3), settings=settings)
    assert run.due_reminders == 1
    assert due_reminder_key(request, request.due_on - timedelta(days=3)).endswith("before:7")


def test_extending_the_due_date_starts_reminders_afresh(session, settings):
    request, _ = send_request(session, settings, due_in_days=30)
    send_reminders(session, today=request.due_on - timedelta(days=1), settings=settings)
    request.due_on = request.due_on + timedelta(days=14)
    session.add(request)
    session.flush()
    run = send_reminders(session, today=request.due_on - timedelta(days=1), settings=settings)
    assert run.due_reminders == 1


def test_submitted_or_revoked_requests_get_no_reminders(session, settings):
    submitted, _ = send_request(session, settings, due_in_days=5)
    submitted.status = RequestStatus.submitted
    revoked, _ = send_request(session, settings, due_in_days=5)
    revoked.revoked_at = revoked.sent_at
    session.add_all([submitted, revoked])
    session.flush()
    assert send_reminders(session, today=submitted.due_on, settings=settings).due_reminders == 0


def test_report_currency_notices_come_60_and_30_days_before_the_report_lapses(session, settings):
    vendor = make_vendor(session)
    vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Sam", email="sam@v.example", is_primary=True
    )
    document = Document(
        vendor_id=vendor.id,
        filename="soc2.pdf",
        content_type="application/pdf",
        size_bytes=10,
        sha256="a" * 64,
        storage_key="a" * 64,
        uploaded_via=UploadChannel.staff,
    )
    session.add(document)
    session.flush()
    session.add(
        ReportFacts(
            document_id=document.id,
            doc_kind="soc_report",
            framework="SOC 2",
            report_type="type2",
            period_end=date(2025, 3, 31),
        )
    )
    session.flush()
    lapses = date(2025, 3, 31) + timedelta(days=365)
    counts = [
        send_reminders(
            session, today=lapses - timedelta(days=d), settings=settings
        ).currency_notices
        for d in (90, 60, 59, 30, 29, 0)
    ]
    assert counts == [0, 1, 0, 1, 0, 0]
    notices = [m for m in _reminders(session) if m.purpose == "currency_notice"]
    assert {m.to for m in notices} == {"sam@v.example"}
