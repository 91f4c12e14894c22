"""``diligence audit verify|export`` against a real database on each backend."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.audit import service as audit_service
from app.audit.cli import app as audit_cli
from app.core import migrate
from app.core.config import get_settings
from app.core.db import dispose_engines, get_engine, session_scope
from tests.conftest import fresh_database_url
from tests.integration.audit.tampering import delete_event, drop_append_only_guard, rewrite_actor


@pytest.fixture
def audit_db(backend, tmp_path, monkeypatch):
    url = fresh_database_url(backend, "auditcli", tmp_path)
    migrate.upgrade(url)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = get_engine(url, pool_size=2)
    with session_scope(engine) as session:
        for n in range(1, 6):
            audit_service.record(session, actor=f"user:{n}", action="vendor.updated", subject_id=n)
    yield engine
    dispose_engines()
    get_settings.cache_clear()


def _tamper(engine, change):
    with engine.begin() as connection:
        drop_append_only_guard(connection)
        change(connection)


def test_verify_passes_on_an_untouched_log_and_leaves_the_head_where_it_was(audit_db):
    with session_scope(audit_db) as session:
        before = audit_service.head(session)
    result = CliRunner().invoke(audit_cli, ["verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 5 events" in result.output
    with session_scope(audit_db) as session:
        assert audit_service.head(session) == before


def test_verify_without_a_checkpoint_says_what_it_cannot_detect(audit_db):
    result = CliRunner().invoke(audit_cli, ["verify"])
    assert "No checkpoint given" in result.output
    assert "cannot detect events removed from the end" in result.output
    with session_scope(audit_db) as session:
        head = audit_service.head(session)
    assert head is not None
    checked = CliRunner().invoke(audit_cli, ["verify", "--expect-head", f"5:{head.hash}"])
    assert checked.exit_code == 0, checked.output
    assert "No checkpoint given" not in checked.output


def test_verify_names_the_altered_event_and_exits_1(audit_db):
    _tamper(audit_db, lambda c: rewrite_actor(c, 3, "user:666"))
    result = CliRunner().invoke(audit_cli, ["verify"])
    assert result.exit_code == 1
    assert "broken at event 3" in result.output


def test_verify_names_the_gap_left_by_a_deleted_event(audit_db):
    _tamper(audit_db, lambda c: delete_event(c, 2))
    result = CliRunner().invoke(audit_cli, ["verify"])
    assert result.exit_code == 1
    assert "event 2 is missing" in result.output


def test_export_writes_json_lines_and_its_head_catches_later_truncation(audit_db, tmp_path):
    target = tmp_path / "audit.jsonl"
    result = CliRunner().invoke(audit_cli, ["export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["sequence"] for line in lines] == [1, 2, 3, 4, 5]
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    assert lines[0]["occurred_at"].endswith("+00:00")
    head = f"5:{lines[-1]['hash']}"
    assert head in result.output
    # The export itself is an audit event (6); cut the log back to event 4.
    _tamper(audit_db, lambda c: [delete_event(c, 6), delete_event(c, 5)])
    cut = CliRunner().invoke(audit_cli, ["verify", "--expect-head", head])
    assert cut.exit_code == 1
    assert "broken at event 5: event is missing (log truncated)" in cut.output


def test_export_to_standard_output(audit_db):
    result = CliRunner().invoke(audit_cli, ["export"])
    assert result.exit_code == 0
    assert result.stdout.count('"action": "vendor.updated"') == 5


def test_a_malformed_expected_head_is_one_clear_error(audit_db):
    result = CliRunner().invoke(audit_cli, ["verify", "--expect-head", "nonsense"])
    assert result.exit_code == 1
    assert "SEQUENCE:HASH" in result.output
