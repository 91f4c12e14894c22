from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.audit.service import AuditFilter, ChainHead
from app.core.pagination import PageRequest
from tests.integration.audit.tampering import delete_event, drop_append_only_guard, rewrite_actor


def _record_three(session):
    for n in range(1, 4):
        audit_service.record(
            session, actor=f"user:{n}", action="vendor.updated", subject_type="vendor", subject_id=n
        )


def test_recorded_events_form_a_verifiable_chain(session):
    audit_service.record(session, actor="user:1", action="vendor.created", subject_id=5)
    audit_service.record(session, actor="user:1", action="vendor.updated", data={"name": "X"})
    events = session.exec(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    assert [e.action for e in events][-2:] == ["vendor.created", "vendor.updated"]
    assert events[-1].prev_hash == events[-2].hash
    assert audit_service.verify(session) is None


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET actor = 'user:666'", "DELETE FROM audit_event"],
)
def test_the_database_refuses_to_update_or_delete_audit_rows(session, statement):
    _record_three(session)
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.connection().execute(text(statement))
    assert audit_service.verify(session) is None


def test_altering_one_row_makes_verify_fail_at_that_row(session):
    _record_three(session)
    drop_append_only_guard(session.connection())
    rewrite_actor(session.connection(), 2, "user:666")
    session.expire_all()
    broken = audit_service.verify(session)
    assert broken is not None
    assert broken.sequence == 2
    assert "hash" in broken.reason


def test_deleting_one_row_makes_verify_fail_where_it_was(session):
    _record_three(session)
    drop_append_only_guard(session.connection())
    delete_event(session.connection(), 2)
    session.expire_all()
    broken = audit_service.verify(session)
    assert broken is not None
    assert broken.sequence == 3
    assert "event 2 is missing" in broken.reason


def test_a_kept_head_catches_a_truncated_log(session):
    _record_three(session)
    kept = audit_service.head(session)
    assert kept == ChainHead(3, kept.hash)
    drop_append_only_guard(session.connection())
    delete_event(session.connection(), 3)
    session.expire_all()
    assert audit_service.verify(session) is None  # the chain alone cannot see a cut tail
    broken = audit_service.verify(session, expected_head=kept)
    assert broken is not None and broken.sequence == 3


def test_an_event_is_rolled_back_with_the_change_it_describes(session):
    change = session.begin_nested()
    audit_service.record(session, actor="user:1", action="vendor.approved")
    change.rollback()
    assert session.exec(select(AuditEvent)).all() == []


def _count_head_reads(session) -> list[str]:
    reads: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "FROM audit_event ORDER BY audit_event.sequence DESC" in " ".join(statement.split()):
            reads.append(statement)

    event.listen(session.connection().engine, "before_cursor_execute", seen)
    return reads


def test_a_group_of_writes_reads_the_chain_head_once(session):
    reads = _count_head_reads(session)
    for n in range(5):  # the writes of one group commit, each in its own savepoint
        with session.begin_nested():
            audit_service.record(session, actor=f"portal:{n}", action="answer.saved")
    assert len(reads) == 1
    assert audit_service.verify(session) is None
    session.commit()  # a new transaction reads it again: another process may have appended
    audit_service.record(session, actor="user:1", action="vendor.updated")
    assert len(reads) == 2
    assert audit_service.verify(session) is None


def test_a_write_rolled_back_after_its_event_leaves_no_gap_in_the_chain(session):
    audit_service.record(session, actor="portal:1", action="answer.saved")

    def failing_save() -> None:
        audit_service.record(session, actor="portal:2", action="answer.saved")
        raise RuntimeError("the save failed after its event was appended")

    with pytest.raises(RuntimeError), session.begin_nested():
        failing_save()
    audit_service.record(session, actor="portal:3", action="answer.saved")
    events = session.exec(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    assert [e.actor for e in events] == ["portal:1", "portal:3"]
    assert [e.sequence for e in events] == [1, 2]
    assert events[1].prev_hash == events[0].hash
    assert audit_service.verify(session) is None


def test_events_can_be_filtered_by_action_actor_subject_and_date(session):
    _record_three(session)
    audit_service.record(session, actor="user:9", action="document.downloaded", subject_id=7)
    page = PageRequest.of(1)
    by_action = audit_service.list_events(
        session, filters=AuditFilter(action="document.downloaded"), page=page
    )
    assert [e.actor for e in by_action.items] == ["user:9"]
    by_subject = audit_service.list_events(
        session, filters=AuditFilter(subject_type="vendor", subject_id="2"), page=page
    )
    assert [e.actor for e in by_subject.items] == ["user:2"]
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    assert (
        audit_service.list_events(session, filters=AuditFilter(since=today), page=page).total == 4
    )
    assert (
        audit_service.list_events(session, filters=AuditFilter(since=tomorrow), page=page).total
        == 0
    )
    newest_first = audit_service.list_events(session, filters=AuditFilter(), page=page)
    assert [e.sequence for e in newest_first.items] == [4, 3, 2, 1]
    assert audit_service.list_actions(session) == ["document.downloaded", "vendor.updated"]
