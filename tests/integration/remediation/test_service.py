"""Remediation items: raised from conditions, changed only from the version seen, audited, reopened."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine, dispose_engines, session_scope
from app.core.versions import StaleEdit
from app.jobs import tasks
from app.mail.models import OutgoingMail
from app.remediation import queries, service
from app.remediation.cli import app as remediation_app
from app.remediation.domain.rules import RemediationChange, RemediationStatus
from app.remediation.errors import ChangeNotAllowed
from app.remediation.models import EntryKind, RemediationEntry, RemediationItem
from app.remediation.schemas import AcceptForm, ItemForm, NewItemForm
from app.reviews import decisions
from app.reviews.digest import send_digest
from app.reviews.models import DecisionOutcome
from app.reviews.schemas import DecisionForm
from app.vendors.models import Vendor
from tests.conftest import fresh_database_url
from tests.factories import make_user, make_vendor

TODAY = date(2026, 12, 7)


def _item(session, vendor, owner, **overrides):
    form = NewItemForm(
        required_change=overrides.pop("text", "Encrypt backups at rest"),
        owner_id=owner.id,
        due_on=overrides.pop("due_on", date(2027, 1, 15)),
        finding_code=overrides.pop("finding_code", "EXCEPTION_ACCESS"),
        finding_ref="Access reviews were not performed for one quarter.",
    )
    return service.create_item(
        session, vendor_id=vendor.id, form=form, actor=f"user:{owner.id}", user_id=owner.id
    )


def _actions(session, item):
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "remediation_item", AuditEvent.subject_id == str(item.id))
        .order_by(col(AuditEvent.sequence))
    ).all()
    return [event.action for event in events]


def test_conditions_of_an_approval_become_items_due_on_the_follow_up(session, settings):
    officer = make_user(session)
    vendor = make_vendor(session, name="Keel")
    form = DecisionForm(
        outcome=DecisionOutcome.approved_with_conditions,
        reason="Acceptable with fixes.",
        conditions="- Enable MFA for all administrators\n\n2. Send the 2027 penetration test",
        follow_up_on=date(2027, 3, 1),
    )
    decision = decisions.record_decision(
        session, vendor=vendor, form=form, user=officer, settings=settings, today=TODAY
    )
    rows = queries.for_vendor(session, vendor.id)
    assert [row.item.required_change for row in rows] == [
        "Enable MFA for all administrators",
        "Send the 2027 penetration test",
    ]
    assert {row.item.decision_id for row in rows} == {decision.id}
    assert {row.item.due_on for row in rows} == {date(2027, 3, 1)}
    assert {row.owner_name for row in rows} == {officer.email}
    assert all(row.item.status is RemediationStatus.open for row in rows)
    assert _actions(session, rows[0].item) == ["remediation.created"]


def test_a_plain_approval_raises_no_item(session, settings):
    officer = make_user(session)
    vendor = make_vendor(session)
    form = DecisionForm(outcome=DecisionOutcome.approved, reason="Fine.")
    decisions.record_decision(
        session, vendor=vendor, form=form, user=officer, settings=settings, today=TODAY
    )
    assert queries.for_vendor(session, vendor.id) == []


def test_a_change_from_an_old_version_is_refused_and_changes_nothing(session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    seen = item.version
    edit = ItemForm(required_change="Encrypt backups", owner_id=officer.id, due_on=date(2027, 2, 1))
    service.edit_item(
        session, item, form=edit, expected_version=seen, actor="user:1", user_id=officer.id
    )
    assert item.version == seen + 1 and item.due_on == date(2027, 2, 1)
    late = ItemForm(required_change="Other", owner_id=officer.id, due_on=date(2027, 5, 1))
    with pytest.raises(StaleEdit):
        service.edit_item(
            session, item, form=late, expected_version=seen, actor="user:1", user_id=officer.id
        )
    with pytest.raises(StaleEdit):
        service.change_status(
            session, item, change=RemediationChange.close, expected_version=seen, actor="user:1"
        )
    session.refresh(item)
    assert (item.required_change, item.status) == ("Encrypt backups", RemediationStatus.open)


def test_vendor_answer_then_send_back_then_close_keeps_the_history(session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    service.change_status(
        session, item, change=RemediationChange.ask_vendor, expected_version=item.version,
        actor="user:1",
    )  # fmt: skip
    service.change_status(
        session, item, change=RemediationChange.vendor_answer, expected_version=item.version,
        actor="vendor:request:9", text="Backups now use AES-256.",
    )  # fmt: skip
    assert item.status is RemediationStatus.in_review
    with pytest.raises(ChangeNotAllowed):
        service.change_status(
            session, item, change=RemediationChange.vendor_answer,
            expected_version=item.version, actor="vendor:request:9", text="Again",
        )  # fmt: skip
    service.change_status(
        session, item, change=RemediationChange.send_back, expected_version=item.version,
        actor="user:1", text="Send the key management policy too.",
    )  # fmt: skip
    service.add_note(session, item, text="Checked with IT.", actor="user:1", user_id=officer.id)
    service.change_status(
        session, item, change=RemediationChange.close, expected_version=item.version,
        actor="user:1", text="Verified.",
    )  # fmt: skip
    assert item.status is RemediationStatus.closed and item.closed_at is not None
    full = queries.history(session, item.id)
    vendor_view = queries.history(session, item.id, for_vendor=True)
    assert EntryKind.staff_note in [entry.kind for entry in full]
    assert EntryKind.staff_note not in [entry.kind for entry in vendor_view]
    assert _actions(session, item) == [
        "remediation.created",
        "remediation.sent_to_vendor",
        "remediation.answered",
        "remediation.sent_back",
        "remediation.note_added",
        "remediation.closed",
    ]
    answer_event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "remediation.answered")
    ).one()
    assert "AES" not in str(answer_event.data)  # free text stays out of the audit log


def test_an_accepted_risk_reopens_by_itself_on_its_end_date(session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    with pytest.raises(Exception, match="after today"):
        service.accept_risk(
            session, item, form=AcceptForm(reason="Low exposure", accepted_until=TODAY),
            expected_version=item.version, user=officer, actor="user:1", today=TODAY,
        )  # fmt: skip
    service.accept_risk(
        session, item, form=AcceptForm(reason="Compensating control in place",
                                       accepted_until=date(2027, 6, 30)),
        expected_version=item.version, user=officer, actor="user:1", today=TODAY,
    )  # fmt: skip
    assert item.status is RemediationStatus.accepted_as_risk
    assert (item.accepted_by_id, item.accepted_reason) == (
        officer.id,
        "Compensating control in place",
    )
    # The fake clock: the day before nothing happens; on the date the item reopens, once.
    assert service.reopen_lapsed_acceptances(session, today=date(2027, 6, 29), actor="system") == 0
    assert service.reopen_lapsed_acceptances(session, today=date(2027, 6, 30), actor="system") == 1
    assert service.reopen_lapsed_acceptances(session, today=date(2027, 7, 1), actor="system") == 0
    session.refresh(item)
    assert item.status is RemediationStatus.open
    last = session.exec(
        select(RemediationEntry).where(RemediationEntry.item_id == item.id)
        .order_by(col(RemediationEntry.id).desc())
    ).first()  # fmt: skip
    assert last.text == "The risk acceptance ended on 2027-06-30." and last.actor == "system"
    assert _actions(session, item)[-1] == "remediation.reopened"


def test_overdue_counts_only_items_still_being_worked_on(session):
    officer = make_user(session)
    vendor = make_vendor(session)
    late = _item(session, vendor, officer, due_on=date(2026, 12, 1))
    _item(session, vendor, officer, due_on=date(2027, 1, 1))
    closed = _item(session, vendor, officer, due_on=date(2026, 11, 1))
    service.change_status(
        session, closed, change=RemediationChange.close, expected_version=closed.version,
        actor="user:1",
    )  # fmt: skip
    assert service.overdue_counts(session, [vendor.id], TODAY) == {vendor.id: 1}
    assert [row.item.id for row in queries.overdue(session, today=TODAY, limit=10)] == [late.id]


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    url = fresh_database_url("sqlite", "remediation", tmp_path)
    migrate.upgrade(url)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()


def _accepted_item(url, until):
    engine = create_db_engine(url)
    with session_scope(engine) as session:
        officer = make_user(session)
        vendor = Vendor(name="Keel")
        session.add(vendor)
        session.flush()
        item = _item(session, vendor, officer)
        service.accept_risk(
            session, item, form=AcceptForm(reason="Accepted", accepted_until=until),
            expected_version=item.version, user=officer, actor="user:1", today=TODAY,
        )  # fmt: skip
        item_id = item.id
    return engine, item_id


def test_the_command_and_the_daily_job_reopen_lapsed_acceptances(cli_database):
    engine, item_id = _accepted_item(cli_database, date(2027, 1, 10))
    runner = CliRunner()
    early = runner.invoke(remediation_app, ["reopen-expired", "--today", "2027-01-09"])
    assert early.exit_code == 0, early.output
    assert "0 accepted risk(s)" in early.output
    on_the_day = runner.invoke(remediation_app, ["reopen-expired", "--today", "2027-01-10"])
    assert "1 accepted risk(s) ended and reopened" in on_the_day.output
    with session_scope(engine) as session:
        assert session.get(RemediationItem, item_id).status is RemediationStatus.open
        service.accept_risk(
            session, session.get(RemediationItem, item_id),
            form=AcceptForm(reason="Again", accepted_until=date(2027, 2, 1)),
            expected_version=session.get(RemediationItem, item_id).version,
            user=make_user(session), actor="user:1", today=date(2027, 1, 10),
        )  # fmt: skip
    assert tasks.reopen_accepted_risks(get_settings(), today=date(2027, 2, 1)) == 1
    with session_scope(engine) as session:
        assert session.get(RemediationItem, item_id).status is RemediationStatus.open


def test_the_weekly_digest_lists_overdue_items_with_their_owner(session, settings):
    officer = make_user(session, role=Role.risk_officer)
    vendor = make_vendor(session, name="Slowfix Ltd")
    _item(session, vendor, officer, text="Patch the VPN appliance", due_on=date(2026, 12, 1))
    _item(session, vendor, officer, text="Later work", due_on=date(2027, 2, 1))
    send_digest(session, today=TODAY, settings=settings)
    mail = session.exec(
        select(OutgoingMail).where(OutgoingMail.to == officer.email,
                                   OutgoingMail.purpose == "review_digest")
    ).one()  # fmt: skip
    assert "Remediation items overdue (1)" in mail.text_body
    assert "Slowfix Ltd: Patch the VPN appliance" in mail.text_body
    assert officer.email in mail.text_body and "Later work" not in mail.text_body
