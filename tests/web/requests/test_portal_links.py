"""Every link a vendor holds explains itself: reminders carry a working link, and a link that
was replaced says a newer one was sent, and when."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.auth.models import Role
from app.core.db import utcnow
from app.mail.models import OutgoingMail
from app.requests.models import RequestStatus
from app.requests.reminders import send_reminders
from tests.factories import make_user, post_form, sign_in
from tests.portal_helpers import LINK, open_portal, send_request


def _reminder_token(session, settings, request) -> str:
    run = send_reminders(session, today=request.due_on - timedelta(days=1), settings=settings)
    assert run.due_reminders == 1
    mail = session.exec(
        select(OutgoingMail)
        .where(OutgoingMail.purpose == "reminder")
        .order_by(col(OutgoingMail.id).desc())
    ).first()
    match = LINK.search(mail.text_body)
    assert match is not None, mail.text_body
    assert match.group(0) in mail.html_body
    return match.group(1)


def _today_words() -> str:
    today = utcnow()
    return f"{today.day} {today:%B %Y}"


def test_a_reminder_mail_carries_a_link_that_opens_the_portal(client, session, settings):
    request, invitation_token = send_request(session, settings, name="Orchard Lane")
    token = _reminder_token(session, settings, request)
    assert token != invitation_token
    open_portal(client, token)
    assert "Which SOC report is the main evidence" in client.get("/portal").text
    # The invitation's link keeps working beside the reminder's.
    client.cookies.clear()
    open_portal(client, invitation_token)
    assert client.get("/portal").status_code == 200


def test_a_link_replaced_after_a_request_for_changes_answers_410_with_the_date(
    client, session, settings
):
    request, old_token = send_request(session, settings, name="Orchard Lane")
    reminder_token = _reminder_token(session, settings, request)
    request.status = RequestStatus.submitted
    session.add(request)
    session.flush()
    sign_in(client, make_user(session, role=Role.risk_officer))
    changes = {"message": "Please add the bridge letter"}
    assert post_form(client, f"/requests/{request.id}/changes", changes).status_code == 303
    client.cookies.clear()
    for token in (old_token, reminder_token):
        page = client.get(f"/portal/{token}")
        assert page.status_code == 410
        assert f"A newer link was sent on {_today_words()}" in page.text
        # A plain page: nothing about the vendor, the request or the new link.
        assert "Orchard Lane" not in page.text
        assert "dlg_p_" not in page.text
        assert "bridge letter" not in page.text


def test_an_unknown_link_stays_404(client, session, settings):
    send_request(session, settings)
    page = client.get("/portal/dlg_p_" + "y" * 43)
    assert page.status_code == 404
    assert "not valid" in page.text
    assert "newer link" not in page.text


def test_a_copied_link_replaces_the_reminder_links_and_ends_their_sessions(
    client, session, settings
):
    request, _ = send_request(session, settings)
    reminder_token = _reminder_token(session, settings, request)
    open_portal(client, reminder_token)
    assert client.get("/portal").status_code == 200
    staff = client.__class__(client.app, base_url=str(client.base_url))
    with staff:
        sign_in(staff, make_user(session, role=Role.procurement))
        assert post_form(staff, f"/requests/{request.id}/link").status_code == 200
    assert client.get("/portal").status_code == 401
    assert client.get(f"/portal/{reminder_token}").status_code == 410


def test_a_replaced_link_of_a_cancelled_request_says_it_was_withdrawn(client, session, settings):
    request, old_token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    assert post_form(client, f"/requests/{request.id}/resend").status_code == 303
    assert post_form(client, f"/requests/{request.id}/cancel").status_code == 303
    client.cookies.clear()
    page = client.get(f"/portal/{old_token}")
    assert page.status_code == 410
    assert "withdrawn" in page.text
    assert "newer link" not in page.text


def test_reminder_links_expire_with_the_request(client, session, settings):
    request, _ = send_request(session, settings)
    token = _reminder_token(session, settings, request)
    request.expires_at = utcnow() - timedelta(minutes=1)
    session.add(request)
    session.flush()
    page = client.get(f"/portal/{token}")
    assert page.status_code == 410
    assert "expired" in page.text
