"""An administrator names the organisation in the browser; mail and the portal speak for it."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from sqlmodel import select

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.mail.transport import Mail, _to_email_message
from app.organisation import service as organisation_service
from app.organisation.errors import OrganisationNotNamed
from app.organisation.schemas import OrganisationForm
from tests.factories import make_user, post_form, sign_in
from tests.portal_helpers import send_request


@pytest.fixture
def settings(settings):
    # As a fresh installation: no name from the environment.
    return settings.model_copy(update={"organisation_name": ""})


def _name(session, name: str = "Acme Insurance", **fields: str) -> None:
    form = OrganisationForm(name=name, **fields)
    organisation_service.save_settings(session, form, actor="system")


def test_staff_see_a_banner_until_the_organisation_is_named(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/vendors")
    assert "Your organisation has no name yet" in page.text
    assert "An administrator sets it under Administration, Organisation" in page.text
    _name(session)
    assert "has no name yet" not in client.get("/vendors").text


def test_the_admin_banner_links_to_the_settings_page(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    page = client.get("/vendors")
    assert '/admin/organisation">Name your organisation</a>' in page.text


def test_sending_is_refused_until_the_organisation_is_named(session, settings):
    with pytest.raises(OrganisationNotNamed) as refused:
        send_request(session, settings)
    assert "/admin/organisation" in refused.value.message
    _name(session)
    request, token = send_request(session, settings)
    assert request.id is not None and token


def test_admin_saves_settings_and_invitations_use_them(client, session, settings):
    admin = make_user(session, role=Role.admin)
    sign_in(client, admin)
    response = post_form(
        client,
        "/admin/organisation",
        {
            "name": "Acme Insurance",
            "mail_sender": "Acme Vendor Risk <vendor-risk@acme.example>",
            "reply_to": "security@acme.example",
            "welcome_text": "Questions? Write to security@acme.example.",
        },
    )
    assert response.status_code == 303
    assert "Saved." in client.get(response.headers["location"]).text
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.organisation_updated)
    ).one()
    assert event.actor == f"user:{admin.id}"
    assert "name" in event.data["changed"]

    from app.mail.models import OutgoingMail

    send_request(session, settings, name="Orchard Lane")
    mail = session.exec(select(OutgoingMail).where(OutgoingMail.purpose == "invitation")).one()
    assert mail.subject.startswith("Acme Insurance:")
    assert "Acme Insurance asks" in mail.text_body or "Acme Insurance" in mail.text_body
    assert "Your organisation" not in mail.text_body
    assert mail.sender == "Acme Vendor Risk <vendor-risk@acme.example>"
    assert mail.reply_to == "security@acme.example"


def test_a_message_carries_the_organisations_sender_and_reply_to():
    mail = Mail(
        "v@vendor.example", "Hi", "text", "<p>text</p>", "Acme <a@acme.example>", "r@acme.example"
    )
    message = message_from_bytes(
        bytes(_to_email_message(mail, "default@localhost")), policy=policy.default
    )
    assert message["From"] == "Acme <a@acme.example>"
    assert message["Reply-To"] == "r@acme.example"
    plain = Mail("v@vendor.example", "Hi", "text", "<p>text</p>")
    message = message_from_bytes(
        bytes(_to_email_message(plain, "default@localhost")), policy=policy.default
    )
    assert message["From"] == "default@localhost"
    assert message["Reply-To"] is None


def test_the_portal_shows_the_name_and_welcome_text(client, session, settings):
    _name(session, welcome_text="Questions? Write to security@acme.example.")
    _, token = send_request(session, settings)
    page = client.get(f"/portal/{token}")
    assert "Acme Insurance asks" in page.text
    assert "Questions? Write to security@acme.example." in page.text


def test_a_bad_form_keeps_what_was_typed_and_says_why_beside_the_field(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    response = post_form(
        client,
        "/admin/organisation",
        {
            "name": "",
            "mail_sender": "not an address",
            "reply_to": "security@acme.example",
            "welcome_text": "Kept welcome",
        },
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="name-error"' in page and "Enter your organisation" in page
    assert 'id="mail_sender-error"' in page and "Enter an address such as" in page
    assert 'value="not an address"' in page
    assert 'value="security@acme.example"' in page
    assert "Kept welcome</textarea>" in page
    assert "reply_to-error" not in page
    assert organisation_service.get_profile(session, client.app.state.settings).is_named is False


def test_only_administrators_reach_the_settings(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    assert client.get("/admin/organisation").status_code == 403
    assert post_form(client, "/admin/organisation", {"name": "X"}).status_code == 403
    assert organisation_service.get_profile(session, client.app.state.settings).is_named is False


def test_the_send_form_says_where_to_name_the_organisation(client, session):
    from app.vendors import service as vendors_service
    from tests.factories import make_vendor

    vendor = make_vendor(session, name="Orchard Lane")
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Ada", email="ada@orchard.example", is_primary=True
    )
    sign_in(client, make_user(session, role=Role.procurement))
    page = post_form(
        client,
        f"/vendors/{vendor.id}/requests",
        {"questionnaire": "soc-assurance", "contact_id": contact.id, "message": "Hello"},
    )
    assert page.status_code == 409
    assert "Questionnaires cannot be sent until your organisation has a name" in page.text
    assert "Administration, Organisation" in page.text
