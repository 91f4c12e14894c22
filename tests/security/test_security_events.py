"""Refusals land in the audit trail (CSRF, rate limits, denials, expired links), rate-limited."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from limits import parse
from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from tests.factories import make_user, sign_in
from tests.portal_helpers import send_request


def _events(session, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action)
    return list(session.exec(query.order_by(col(AuditEvent.sequence))).all())


def test_a_csrf_refusal_is_audited_once_a_minute_per_address(client, session):
    before = len(_events(session, "security.csrf_refused"))
    statuses = [client.post("/login", data={"email": "a@b.c"}).status_code for _ in range(5)]
    assert statuses == [403] * 5
    events = _events(session, "security.csrf_refused")[before:]
    assert len(events) == 1
    assert events[0].actor == "visitor:testclient"
    assert events[0].data["path"] == "/login"
    assert events[0].data["reason"]


def test_an_authorisation_denial_is_audited_with_the_user(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    assert client.get("/admin/audit").status_code == 403
    [event] = [
        e
        for e in _events(session, "security.access_denied")
        if e.data["path"] == "/admin/audit" and e.actor == f"user:{user.id}"
    ]
    assert event.actor == f"user:{user.id}"
    assert event.data["path"] == "/admin/audit"


def test_an_expired_portal_link_is_audited_without_its_token(client, session, settings):
    request, token = send_request(session, settings)
    request.expires_at = utcnow() - timedelta(minutes=1)
    session.add(request)
    session.flush()
    assert client.get(f"/portal/{token}").status_code == 410
    [event] = _events(session, "security.expired_link_used")[-1:]
    assert token not in str(event.data)
    assert event.data["path"] == "/portal/[redacted]"


def test_a_rate_limited_request_is_audited(app, session):
    app.state.rate_limiter.items["portal_link"] = parse("1/minute")
    with TestClient(app, client=("198.51.100.20", 5000)) as browser:
        statuses = [browser.get("/portal/dlg_p_" + "y" * 43).status_code for _ in range(3)]
    assert statuses[-1] == 429
    # (Apps other tests build without the test session may have left events of their own.)
    events = _events(session, "security.rate_limited")
    [event] = [e for e in events if e.actor == "visitor:198.51.100.20"]
    assert event.data["limit"] == "portal_link"
