"""The weekly digest: one per risk officer per ISO week, with what needs attention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.auth.models import Role
from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine, dispose_engines, utcnow
from app.mail.models import OutgoingMail
from app.reviews.cli import app as digest_app
from app.reviews.digest import dedupe_key, send_digest
from tests.conftest import fresh_database_url
from tests.factories import make_user, make_vendor
from tests.web.reviews.helpers import add_document, report_facts


def _digests(session):
    return session.exec(
        select(OutgoingMail)
        .where(OutgoingMail.purpose == "review_digest")
        .order_by(col(OutgoingMail.id))
    ).all()


def test_each_risk_officer_gets_one_digest_per_iso_week(session, settings):
    officer = make_user(session, role=Role.risk_officer)
    make_user(session, role=Role.procurement)
    vendor = make_vendor(session, name="Expiring Vendor")
    end = utcnow().date() - timedelta(days=340)
    add_document(session, settings, vendor, facts=report_facts(end))
    today = utcnow().date()
    first = send_digest(session, today=today, settings=settings)
    again = send_digest(session, today=today, settings=settings)
    assert first.sent >= 1 and again.sent == 0 and again.already_sent == first.sent
    mails = [m for m in _digests(session) if m.to == officer.email]
    assert len(mails) == 1
    assert "Expiring Vendor" in mails[0].text_body
    next_week = send_digest(session, today=today + timedelta(days=7), settings=settings)
    assert next_week.sent == first.sent


def test_the_dedupe_key_names_the_iso_week_and_the_user():
    assert dedupe_key(date(2026, 11, 27), 7) == "review-digest:2026-W48:user:7"
    assert dedupe_key(date(2027, 1, 1), 7) == "review-digest:2026-W53:user:7"


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    url = fresh_database_url("sqlite", "digest", tmp_path)
    migrate.upgrade(url)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    monkeypatch.setenv("DILIGENCE_OUTBOX_DIR", str(tmp_path / "outbox"))
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()


def test_digest_send_command_is_idempotent_within_a_week(cli_database):
    engine = create_db_engine(cli_database, pool_size=1)
    with Session(engine) as session:
        make_user(session, role=Role.risk_officer)
        session.commit()
    engine.dispose()
    runner = CliRunner()
    first = runner.invoke(digest_app, ["send", "--today", "2026-11-27"])
    assert first.exit_code == 0, first.output
    assert "1 digest(s) queued" in first.output
    second = runner.invoke(digest_app, ["send", "--today", "2026-11-28"])
    assert "0 digest(s) queued, 1 already sent" in second.output
    bad = runner.invoke(digest_app, ["send", "--today", "soon"])
    assert bad.exit_code == 2


def test_rebuild_summaries_command_reports_the_count(cli_database):
    result = CliRunner().invoke(digest_app, ["rebuild-summaries"])
    assert result.exit_code == 0 and "0 vendor summary row(s) rebuilt" in result.output
