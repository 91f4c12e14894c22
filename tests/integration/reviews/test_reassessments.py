"""Reassessment by tier: the tier's questionnaires go to the primary contact on the review date, once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine, dispose_engines
from app.mail.models import OutgoingMail
from app.requests.models import QuestionnaireRequest
from app.reviews import reassessments
from app.reviews.models import Decision, DecisionOutcome, Reassessment, VendorReview
from app.reviews.reassessments import send_due_reassessments
from app.reviews.reassessments_cli import app as reassessments_app
from app.scoring.domain.policy import TierReassessment
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier
from tests.conftest import fresh_database_url
from tests.factories import make_vendor

# The fake clock: the decision is taken on this day; a critical vendor is due a year later.
DECIDED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
CRITICAL_DUE = date(2027, 12, 1)


def _decided_vendor(session, *, tier, name, primary=True, decided=DECIDED):
    vendor = make_vendor(session, name=name, inherent_tier=tier)
    vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Sales Desk", email=f"sales@{name.lower()}.example"
    )
    if primary:
        vendors_service.add_contact(
            session,
            vendor_id=vendor.id,
            name="Security Lead",
            email=f"security@{name.lower()}.example",
            is_primary=True,
        )
    session.add(
        Decision(
            vendor_id=vendor.id,
            outcome=DecisionOutcome.approved,
            reason="Reviewed.",
            decided_at=decided,
        )
    )
    session.flush()
    return vendor


def _requests(session, vendor):
    return session.exec(
        select(QuestionnaireRequest)
        .where(QuestionnaireRequest.vendor_id == vendor.id)
        .order_by(col(QuestionnaireRequest.id))
    ).all()


def _invitations(session):
    return session.exec(select(OutgoingMail).where(OutgoingMail.purpose == "invitation")).all()


def test_next_review_date_follows_the_latest_decision_and_the_tier(session):
    critical = _decided_vendor(session, tier=InherentTier.critical, name="Keel")
    low = _decided_vendor(session, tier=InherentTier.low, name="Pebble")
    assert session.get(VendorReview, critical.id).next_review_on == CRITICAL_DUE
    assert session.get(VendorReview, low.id).next_review_on == date(2029, 12, 1)
    low.inherent_tier = InherentTier.moderate  # a new tier changes the cadence at once
    session.add(low)
    session.flush()
    assert session.get(VendorReview, low.id).next_review_on == date(2028, 12, 1)


def test_reassessment_goes_once_on_the_date_to_the_primary_contact(session, settings):
    vendor = _decided_vendor(session, tier=InherentTier.critical, name="Keel")
    before = send_due_reassessments(session, today=date(2027, 11, 30), settings=settings)
    assert before.vendors == 0 and _requests(session, vendor) == []

    on_the_day = send_due_reassessments(session, today=CRITICAL_DUE, settings=settings)
    assert (on_the_day.vendors, on_the_day.requests) == (1, 2)
    sent = _requests(session, vendor)
    assert [r.questionnaire_slug for r in sent] == ["security-baseline", "soc-assurance"]
    primary = vendors_service.list_contacts(session, vendor_id=vendor.id)
    primary_id = next(c.id for c in primary if c.is_primary)
    assert {r.contact_id for r in sent} == {primary_id}
    assert {m.to for m in _invitations(session)} == {"security@keel.example"}

    again = send_due_reassessments(session, today=CRITICAL_DUE, settings=settings)
    later = send_due_reassessments(session, today=date(2027, 12, 20), settings=settings)
    assert again.vendors == later.vendors == 0
    assert len(_requests(session, vendor)) == 2
    (row,) = session.exec(select(Reassessment)).all()
    assert (row.due_on, row.request_ids) == (CRITICAL_DUE, [r.id for r in sent])


def test_each_tier_gets_its_own_questionnaires_and_a_vendor_without_primary_waits(
    session, settings
):
    low = _decided_vendor(session, tier=InherentTier.low, name="Pebble")
    lonely = _decided_vendor(session, tier=InherentTier.low, name="Lonely", primary=False)
    run = send_due_reassessments(session, today=date(2029, 12, 1), settings=settings)
    assert (run.vendors, run.without_contact) == (1, 1)
    assert [r.questionnaire_slug for r in _requests(session, low)] == ["vendor-profile"]
    assert _requests(session, lonely) == []


def test_a_new_decision_starts_a_new_cycle(session, settings):
    vendor = _decided_vendor(session, tier=InherentTier.high, name="Keel")
    send_due_reassessments(session, today=CRITICAL_DUE, settings=settings)
    session.add(
        Decision(
            vendor_id=vendor.id,
            outcome=DecisionOutcome.approved,
            reason="Reassessed.",
            decided_at=datetime(2027, 12, 20, tzinfo=UTC),
        )
    )
    session.flush()
    assert session.get(VendorReview, vendor.id).next_review_on == date(2028, 12, 20)
    assert send_due_reassessments(session, today=date(2028, 12, 19), settings=settings).vendors == 0
    assert send_due_reassessments(session, today=date(2028, 12, 20), settings=settings).vendors == 1


def test_a_reassessment_that_could_not_go_out_is_tried_again(session, settings, monkeypatch):
    vendor = _decided_vendor(session, tier=InherentTier.critical, name="Keel")
    missing = TierReassessment(months=12, questionnaires=("withdrawn-questionnaire",))
    monkeypatch.setattr(reassessments, "tier_reassessment", lambda _tier: missing)
    failed = send_due_reassessments(session, today=CRITICAL_DUE, settings=settings)
    assert failed.vendors == 0 and session.exec(select(Reassessment)).all() == []
    monkeypatch.undo()
    retried = send_due_reassessments(session, today=date(2027, 12, 2), settings=settings)
    assert retried.vendors == 1 and len(_requests(session, vendor)) == 2


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    url = fresh_database_url("sqlite", "reassess", tmp_path)
    migrate.upgrade(url)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    monkeypatch.setenv("DILIGENCE_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("DILIGENCE_ORGANISATION_NAME", "Buyer Ltd")
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()


def test_the_send_command_sends_once(cli_database):
    engine = create_db_engine(cli_database, pool_size=1)
    with Session(engine) as session:
        _decided_vendor(session, tier=InherentTier.critical, name="Keel")
        session.commit()
    engine.dispose()
    runner = CliRunner()
    first = runner.invoke(reassessments_app, ["send", "--today", CRITICAL_DUE.isoformat()])
    assert first.exit_code == 0, first.output
    assert "1 vendor(s) sent 2 questionnaire(s)" in first.output
    second = runner.invoke(reassessments_app, ["send", "--today", CRITICAL_DUE.isoformat()])
    assert "0 vendor(s) sent 0 questionnaire(s)" in second.output
