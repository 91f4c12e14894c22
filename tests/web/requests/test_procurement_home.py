"""Procurement finds its requests from the navigation, reads questionnaire titles, copies a
fresh link for a vendor, and confirms before revoking or cancelling."""

from __future__ import annotations

import re

from sqlmodel import select

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.requests.models import RequestStatus
from tests.factories import make_user, post_form, sign_in
from tests.portal_helpers import send_request

TITLE = "SOC reports and independent assurance"
COPIED = re.compile(r'id="copied-link" type="text" readonly value="[^"]+/portal/(dlg_p_[^"]+)"')


def test_requests_are_in_the_navigation_and_listed_by_title(client, session, settings):
    request, _ = send_request(session, settings, name="Orchard Lane")
    sign_in(client, make_user(session, role=Role.procurement))
    home = client.get("/")
    assert '/requests">Requests</a>' in home.text
    listing = client.get("/requests", params={"who": "all"}).text
    vendor_page = client.get(f"/vendors/{request.vendor_id}").text
    detail = client.get(f"/requests/{request.id}").text
    for page in (listing, vendor_page):
        assert f">{TITLE}</a>" in page
        assert "soc-assurance v1" not in page
    assert request.content_hash[:12] not in detail


def test_the_library_shows_no_content_hash(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/questionnaires").text
    assert "Content hash" not in page
    assert TITLE in page


def test_copy_link_issues_a_fresh_working_link_once_and_audits_it(client, session, settings):
    request, old_token = send_request(session, settings)
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    page = post_form(client, f"/requests/{request.id}/link")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "shown only this once" in page.text
    new_token = COPIED.search(page.text).group(1)
    assert new_token != old_token
    # Reloading the page does not show the link again.
    assert new_token not in client.get(f"/requests/{request.id}").text
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.request_link_copied)
    ).one()
    assert event.actor == f"user:{user.id}"
    client.cookies.clear()
    assert client.get(f"/portal/{new_token}").status_code == 200
    assert client.get(f"/portal/{old_token}").status_code == 410


def test_revoke_asks_first_and_nothing_changes_until_confirmed(client, session, settings):
    request, token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    detail = client.get(f"/requests/{request.id}").text
    assert f'/requests/{request.id}/revoke">Revoke link…</a>' in detail
    confirm = client.get(f"/requests/{request.id}/revoke")
    assert confirm.status_code == 200
    assert "Revoke the link?" in confirm.text and "stops working at once" in confirm.text
    assert f'action="http://testserver/requests/{request.id}/revoke"' in confirm.text
    assert request.revoked_at is None
    assert client.get(f"/portal/{token}").status_code == 200
    assert post_form(client, f"/requests/{request.id}/revoke").status_code == 303
    assert client.get(f"/portal/{token}").status_code == 410


def test_cancel_asks_first_and_nothing_changes_until_confirmed(client, session, settings):
    request, _ = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    confirm = client.get(f"/requests/{request.id}/cancel")
    assert "Cancel this request?" in confirm.text and "cannot be undone" in confirm.text
    assert "Keep it" in confirm.text
    assert request.status is RequestStatus.sent
    assert post_form(client, f"/requests/{request.id}/cancel").status_code == 303
    assert request.status is RequestStatus.cancelled


def test_auditors_cannot_copy_a_link_or_reach_the_confirmations(client, session, settings):
    request, _ = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.auditor))
    assert post_form(client, f"/requests/{request.id}/link").status_code == 403
    assert client.get(f"/requests/{request.id}/revoke").status_code == 403
    assert client.get(f"/requests/{request.id}/cancel").status_code == 403
