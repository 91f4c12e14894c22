from __future__ import annotations

from sqlmodel import select

from app.audit import service as audit_service
from app.audit.models import AuditEvent


def test_recorded_events_form_a_verifiable_chain(session):
    audit_service.record(session, actor="user:1", action="vendor.created", subject_id=5)
    audit_service.record(session, actor="user:1", action="vendor.updated", data={"name": "X"})
    events = session.exec(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    assert [e.action for e in events][-2:] == ["vendor.created", "vendor.updated"]
    assert events[-1].prev_hash == events[-2].hash
    assert audit_service.verify(session) is None


def test_tampering_with_a_stored_event_is_detected(session):
    audit_service.record(session, actor="user:1", action="decision.recorded", data={"o": "ok"})
    event = audit_service.record(session, actor="user:1", action="decision.recorded")
    event.data = {"o": "rewritten"}
    session.add(event)
    session.flush()
    broken = audit_service.verify(session)
    assert broken is not None
    assert broken.sequence == event.sequence
