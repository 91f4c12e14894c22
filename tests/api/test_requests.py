"""Questionnaire requests over the API: send, read with ETag, extend with If-Match, actions."""

from __future__ import annotations

from datetime import date, timedelta

from app.auth.models import Role
from app.requests import answer_store as answering
from app.requests.models import RequestStatus
from app.vendors import service as vendors_service
from tests.api.helpers import API, assert_error, caller
from tests.factories import make_vendor
from tests.portal_helpers import send_request


def _vendor_with_contact(session):
    vendor = make_vendor(session)
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Vera", email="vera@v.example", is_primary=True
    )
    return vendor, contact


def test_sending_a_questionnaire_queues_the_invitation(client, session, mailbox):
    _user, headers = caller(session, Role.procurement)
    vendor, contact = _vendor_with_contact(session)
    due = (date.today() + timedelta(days=10)).isoformat()
    body = {"questionnaire": "soc-assurance", "contact_id": contact.id, "due_on": due}
    sent = client.post(f"{API}/vendors/{vendor.id}/requests", json=body, headers=headers)
    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "sent"
    assert "token" not in sent.text
    assert [mail.to for mail in mailbox.sent] == ["vera@v.example"]
    listed = client.get(f"{API}/requests", params={"vendor_id": vendor.id}, headers=headers)
    assert [r["id"] for r in listed.json()["items"]] == [sent.json()["id"]]


def test_extending_needs_if_match_and_moves_the_due_date(client, session, settings):
    found, _token = send_request(session, settings)
    _user, headers = caller(session, Role.procurement)
    url = f"{API}/requests/{found.id}"
    etag = client.get(url, headers=headers).headers["etag"]
    later = (date.today() + timedelta(days=40)).isoformat()
    assert_error(client.patch(url, json={"due_on": later}, headers=headers), 428)
    done = client.patch(url, json={"due_on": later}, headers={**headers, "If-Match": etag})
    assert done.status_code == 200, done.text
    assert done.json()["due_on"] == later
    stale = client.patch(url, json={"due_on": later}, headers={**headers, "If-Match": etag})
    assert_error(stale, 412)


def test_revoke_and_resend_change_the_link(client, session, settings, mailbox):
    found, old_token = send_request(session, settings)
    _user, headers = caller(session, Role.procurement)
    revoked = client.post(f"{API}/requests/{found.id}/revoke", headers=headers)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["link_revoked_at"] is not None
    resent = client.post(f"{API}/requests/{found.id}/resend", headers=headers)
    assert resent.status_code == 200, resent.text
    assert resent.json()["link_revoked_at"] is None
    assert "/portal/dlg_p_" in mailbox.sent[-1].text
    assert old_token not in mailbox.sent[-1].text


def test_changes_can_be_requested_only_on_a_submitted_questionnaire(client, session, settings):
    found, _token = send_request(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    url = f"{API}/requests/{found.id}/changes"
    assert_error(client.post(url, json={"message": "More"}, headers=headers), 409)
    found.status = RequestStatus.submitted
    session.add(found)
    session.flush()
    reopened = client.post(url, json={"message": "Please add the bridge letter"}, headers=headers)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "changes_requested"


def test_answers_are_read_by_question(client, session, settings):
    found, _token = send_request(session, settings)
    question = next(answering.frozen_definition(found).definition.questions())
    session.add(answering.Answer(request_id=found.id, question_id=question.id, value="yes"))
    session.flush()
    _user, headers = caller(session, Role.auditor)
    answers = client.get(f"{API}/requests/{found.id}/answers", headers=headers).json()
    assert answers["items"][0]["question_id"] == question.id
    assert answers["items"][0]["value"] == "yes"


def test_auditors_cannot_send(client, session):
    _user, headers = caller(session, Role.auditor)
    vendor, contact = _vendor_with_contact(session)
    body = {"questionnaire": "soc-assurance", "contact_id": contact.id}
    assert_error(
        client.post(f"{API}/vendors/{vendor.id}/requests", json=body, headers=headers), 403
    )
