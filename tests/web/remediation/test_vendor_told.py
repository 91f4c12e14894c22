"""The vendor is told by e-mail when an item waits for it, with a link that opens its items."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.core.db import utcnow
from app.mail.models import OutgoingMail
from app.remediation import service
from app.remediation.domain.rules import RemediationChange
from app.remediation.schemas import ItemForm
from app.vendors.models import VendorContact
from tests.api.helpers import API, caller
from tests.factories import csrf_token, form_version, make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import LINK, open_portal, send_request


def _item(session, vendor_id, officer, text="Encrypt the backup volumes"):
    form = ItemForm(
        required_change=text, owner_id=officer.id, due_on=utcnow().date() + timedelta(days=30)
    )
    return service.create_item(
        session, vendor_id=vendor_id, form=form, actor=f"user:{officer.id}", user_id=officer.id
    )


def _remediation_mails(session):
    return session.exec(select(OutgoingMail).where(OutgoingMail.purpose == "remediation")).all()


def _told_events(session, item):
    return session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.action == "remediation.vendor_told", AuditEvent.subject_id == str(item.id)
        )
        .order_by(col(AuditEvent.sequence))
    ).all()


def test_asking_the_vendor_mails_a_fresh_link_that_opens_its_items(client, session, settings):
    request, first_token = send_request(session, settings, name="Contoso Backup")
    current_hash = request.token_hash
    officer = make_user(session)
    item = _item(session, request.vendor_id, officer)
    sign_in(client, officer)
    path = f"/remediation/{item.id}"
    version = form_version(client, path, action="/changes/ask_vendor")
    asked = post_form(client, f"{path}/changes/ask_vendor", {"version": version, "text": ""})
    assert asked.status_code == 303
    assert "The vendor's contact was e-mailed" in client.get(asked.headers["location"]).text
    # The same form sent again (a double click) is refused and sends nothing more.
    again = post_form(client, f"{path}/changes/ask_vendor", {"version": version, "text": ""})
    assert again.status_code == 409

    mails = _remediation_mails(session)
    assert len(mails) == 1
    assert mails[0].to == "vera@vendor.example"
    assert "Encrypt the backup volumes" in mails[0].text_body
    match = LINK.search(mails[0].text_body)
    assert match is not None
    token = match.group(1)
    assert f"/portal/{token}?next=remediation" in mails[0].text_body
    assert f"/portal/{token}?next=remediation" in mails[0].html_body
    assert token != first_token
    session.refresh(request)
    assert request.token_hash == current_hash  # the link the vendor holds is not replaced
    assert [e.data["told"] for e in _told_events(session, item)] == [True]

    landing = client.get(f"/portal/{token}", params={"next": "remediation"})
    assert landing.status_code == 200
    assert "Continue to the changes" in landing.text
    assert "asked of Contoso Backup</h1>" in landing.text
    opened = client.post(
        "/portal/exchange",
        data={
            "token": token,
            "next": "remediation",
            "csrf_token": csrf_token(client, f"/portal/{token}"),
        },
        follow_redirects=False,
    )
    assert opened.status_code == 303 and opened.headers["location"] == "/portal/remediation"
    assert "Encrypt the backup volumes" in client.get("/portal/remediation").text
    open_portal(client, first_token)  # the first link still opens the questionnaire


def test_no_mail_when_the_vendor_has_no_contact_and_the_page_says_why(client, session, settings):
    request, _ = send_request(session, settings, name="Nobody Home Ltd")
    request.contact_id = None
    for contact in session.exec(
        select(VendorContact).where(VendorContact.vendor_id == request.vendor_id)
    ).all():
        contact.is_primary = False
        session.add(contact)
    session.add(request)
    session.flush()
    officer = make_user(session)
    item = _item(session, request.vendor_id, officer)
    sign_in(client, officer)
    version = form_version(client, f"/remediation/{item.id}", action="/changes/ask_vendor")
    asked = post_form(
        client, f"/remediation/{item.id}/changes/ask_vendor", {"version": version, "text": ""}
    )
    assert asked.status_code == 303
    page = client.get(asked.headers["location"]).text
    assert "The vendor was not told by e-mail" in page
    assert "has no contact to write to" in page
    assert _remediation_mails(session) == []
    assert [e.data["reason"] for e in _told_events(session, item)] == ["no_contact"]


def test_no_mail_when_the_vendor_has_no_open_link(client, session):
    vendor = make_vendor(session, name="Never Asked Inc")
    officer = make_user(session)
    item = _item(session, vendor.id, officer)
    sign_in(client, officer)
    version = form_version(client, f"/remediation/{item.id}", action="/changes/ask_vendor")
    asked = post_form(
        client, f"/remediation/{item.id}/changes/ask_vendor", {"version": version, "text": ""}
    )
    page = client.get(asked.headers["location"]).text
    assert "no questionnaire link that still opens" in page
    assert _remediation_mails(session) == []


def test_sending_back_tells_the_vendor_again(client, session, settings):
    request, _ = send_request(session, settings, name="Twice Told Co")
    officer = make_user(session)
    item = _item(session, request.vendor_id, officer)
    service.change_status(
        session, item, change=RemediationChange.vendor_answer, expected_version=item.version,
        actor="vendor:request:1", text="Done.",
    )  # fmt: skip
    sign_in(client, officer)
    version = form_version(client, f"/remediation/{item.id}", action="/changes/send_back")
    sent = post_form(client, f"/remediation/{item.id}/changes/send_back", {
        "version": version, "text": "The evidence shows only one of the two volumes.",
    })  # fmt: skip
    assert sent.status_code == 303
    assert [m.to for m in _remediation_mails(session)] == ["vera@vendor.example"]


def test_asking_through_the_api_tells_the_vendor_too(client, session, settings):
    request, _ = send_request(session, settings, name="Api Asked Co")
    _officer, headers = caller(session)
    created = client.post(
        f"{API}/vendors/{request.vendor_id}/remediation",
        json={"required_change": "Publish a disclosure policy", "due_on": "2099-01-01"},
        headers=headers,
    )
    asked = client.post(
        f"{created.headers['location']}/changes/ask_vendor",
        json={},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert asked.status_code == 200, asked.text
    mails = _remediation_mails(session)
    assert [m.to for m in mails] == ["vera@vendor.example"]
    assert "Publish a disclosure policy" in mails[0].text_body
