"""Remediation items over the API: the page rules (versions, statuses, audit) hold here too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.remediation.domain.rules import RemediationStatus
from app.remediation.models import RemediationItem
from tests.api.helpers import API, assert_error, caller
from tests.factories import make_vendor


def _due(days: int = 30) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def _create(client, headers, vendor, **fields):
    body = {"required_change": "Enforce MFA for administrators", "due_on": _due(), **fields}
    created = client.post(f"{API}/vendors/{vendor.id}/remediation", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created


def test_an_item_is_created_read_back_and_listed(client, session):
    officer, headers = caller(session)
    vendor = make_vendor(session, name="Keel")
    created = _create(client, headers, vendor, owner_id=officer.id, severity="high",
                      finding_code="EXCEPTION_ACCESS")  # fmt: skip
    read = client.get(created.headers["location"], headers=headers)
    assert read.status_code == 200 and read.headers["etag"] == created.headers["etag"]
    item = read.json()
    assert (item["status"], item["severity"], item["owner_id"], item["version"]) == (
        "open", "high", officer.id, 1,
    )  # fmt: skip
    assert item["vendor_name"] == "Keel" and item["finding_code"] == "EXCEPTION_ACCESS"
    listed = client.get(f"{API}/remediation", params={"vendor_id": vendor.id}, headers=headers)
    assert [row["id"] for row in listed.json()["items"]] == [item["id"]]


def test_a_change_needs_the_current_etag(client, session):
    _officer, headers = caller(session)
    created = _create(client, headers, make_vendor(session))
    path, etag = created.headers["location"], created.headers["etag"]
    missing = client.patch(path, json={"due_on": _due(60)}, headers=headers)
    assert_error(missing, 428, "precondition_required")
    changed = client.patch(path, json={"due_on": _due(60)}, headers={**headers, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["due_on"] == _due(60) and changed.json()["version"] == 2
    stale = client.patch(path, json={"severity": "low"}, headers={**headers, "If-Match": etag})
    assert_error(stale, 412, "precondition_failed")
    stale_close = client.post(f"{path}/close", json={}, headers={**headers, "If-Match": etag})
    assert_error(stale_close, 412, "precondition_failed")
    assert client.get(path, headers=headers).json()["severity"] == "medium"


def test_accept_then_close_follow_the_status_rules(client, session):
    officer, headers = caller(session)
    created = _create(client, headers, make_vendor(session))
    path = created.headers["location"]
    too_soon = client.post(
        f"{path}/accept", json={"reason": "Low exposure", "accepted_until": _due(0)},
        headers={**headers, "If-Match": created.headers["etag"]},
    )  # fmt: skip
    assert_error(too_soon, 422)
    accepted = client.post(
        f"{path}/accept", json={"reason": "Low exposure", "accepted_until": _due(90)},
        headers={**headers, "If-Match": created.headers["etag"]},
    )  # fmt: skip
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["accepted_by_id"], body["accepted_until"]) == (
        "accepted_as_risk", officer.id, _due(90),
    )  # fmt: skip
    refused = client.post(
        f"{path}/close", json={}, headers={**headers, "If-Match": accepted.headers["etag"]}
    )
    assert_error(refused, 409, "remediation_change_not_allowed")
    item = session.exec(select(RemediationItem)).one()
    assert item.status is RemediationStatus.accepted_as_risk
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.subject_type == "remediation_item")
    ).all()
    assert set(actions) == {"remediation.created", "remediation.risk_accepted"}


def test_closing_through_the_api_and_overdue_listing(client, session):
    _officer, headers = caller(session)
    vendor = make_vendor(session)
    late = _create(client, headers, vendor, due_on=_due(-5))
    on_time = _create(client, headers, vendor)
    overdue = client.get(f"{API}/remediation", params={"status": "overdue"}, headers=headers)
    assert [row["id"] for row in overdue.json()["items"]] == [late.json()["id"]]
    assert overdue.json()["items"][0]["is_overdue"] is True
    vendors = client.get(f"{API}/vendors", params={"overdue_remediation": "true"}, headers=headers)
    assert [(v["id"], v["overdue_remediation"]) for v in vendors.json()["items"]] == [
        (vendor.id, 1)
    ]
    closed = client.post(
        f"{late.headers['location']}/close", json={"note": "Verified"},
        headers={**headers, "If-Match": late.headers["etag"]},
    )  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert (
        client.get(f"{API}/remediation", params={"status": "overdue"}, headers=headers).json()[
            "items"
        ]
        == []
    )
    assert on_time.json()["status"] == "open"


def test_readers_may_list_but_not_change(client, session):
    _officer, headers = caller(session)
    created = _create(client, headers, make_vendor(session))
    _auditor, reader = caller(session, Role.auditor)
    assert client.get(f"{API}/remediation", headers=reader).status_code == 200
    refused = client.post(
        f"{created.headers['location']}/close", json={},
        headers={**reader, "If-Match": created.headers["etag"]},
    )  # fmt: skip
    assert_error(refused, 403)


def test_ask_the_vendor_send_back_and_reopen_are_kept_in_the_history(client, session):
    officer, headers = caller(session)
    created = _create(client, headers, make_vendor(session))
    path = created.headers["location"]
    asked = client.post(
        f"{path}/changes/ask_vendor", json={"note": "Please send the policy."},
        headers={**headers, "If-Match": created.headers["etag"]},
    )  # fmt: skip
    assert asked.status_code == 200 and asked.json()["status"] == "waiting_for_vendor"
    not_answered = client.post(
        f"{path}/changes/send_back", json={"note": "More"},
        headers={**headers, "If-Match": asked.headers["etag"]},
    )  # fmt: skip
    assert_error(not_answered, 409, "remediation_change_not_allowed")
    closed = client.post(
        f"{path}/close", json={}, headers={**headers, "If-Match": asked.headers["etag"]}
    )
    reopened = client.post(
        f"{path}/changes/reopen", json={"note": "The fix was rolled back."},
        headers={**headers, "If-Match": closed.headers["etag"]},
    )  # fmt: skip
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    history = client.get(f"{path}/history", headers=headers).json()
    assert [entry["status_to"] for entry in history] == [
        "open", "waiting_for_vendor", "closed", "open",
    ]  # fmt: skip
    assert history[1]["text"] == "Please send the policy." and history[1]["who"] == officer.email


def _action_body(action: str) -> dict[str, str]:
    if action == "accept":
        return {"reason": "Low exposure", "accepted_until": _due(90)}
    return {"note": "Please send the policy."}


@pytest.mark.parametrize(
    "action", ["accept", "close", "changes/ask_vendor", "changes/send_back", "changes/reopen"]
)
def test_every_action_needs_the_current_etag(client, session, action):
    _officer, headers = caller(session)
    created = _create(client, headers, make_vendor(session))
    path, etag = created.headers["location"], created.headers["etag"]
    url, body = f"{path}/{action}", _action_body(action)
    assert_error(client.post(url, json=body, headers=headers), 428, "precondition_required")
    edited = client.patch(path, json={"severity": "low"}, headers={**headers, "If-Match": etag})
    assert edited.status_code == 200, edited.text
    stale = client.post(url, json=body, headers={**headers, "If-Match": etag})
    error = assert_error(stale, 412, "precondition_failed")
    assert error["details"] == {"current_etag": edited.headers["etag"]}
    assert client.get(path, headers=headers).json()["version"] == 2


def test_an_invalid_change_is_refused_before_if_match_is_asked_for(client, session):
    _officer, headers = caller(session)
    path = _create(client, headers, make_vendor(session)).headers["location"]
    no_date = client.post(f"{path}/accept", json={"reason": "Low exposure"}, headers=headers)
    assert_error(no_date, 422)
    unknown = client.post(f"{path}/changes/archive", json={}, headers=headers)
    assert_error(unknown, 422)
    missing = client.post(f"{API}/remediation/999999/close", json={}, headers=headers)
    assert_error(missing, 404)
