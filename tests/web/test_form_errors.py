"""Every staff form, and the vendor's upload, keeps what was typed and says beside the field what
is wrong, in plain words, on the same page."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from app.auth.models import Role
from app.reports.models import Document
from app.requests.models import QuestionnaireRequest
from app.vendors import service as vendors_service
from tests.factories import (
    csrf_token,
    form_version,
    make_user,
    make_vendor,
    post_form,
    sign_in,
)
from tests.form_pages import error_summary, read_field
from tests.portal_helpers import open_portal, portal_token, send_request

EMAIL_WORDS = "Enter an e-mail address like name@example.com."


def _vendor_with_contact(session):
    vendor = make_vendor(session, name="Orchard Lane")
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Ada", email="ada@orchard.example", is_primary=True
    )
    return vendor, contact


def test_a_past_due_date_keeps_the_message_and_says_so_beside_the_date(client, session):
    vendor, contact = _vendor_with_contact(session)
    sign_in(client, make_user(session, role=Role.procurement))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    message = "Ahead of the renewal on 1 March, please answer by Friday."
    response = post_form(
        client,
        f"/vendors/{vendor.id}/requests",
        {
            "questionnaire": "soc-assurance",
            "contact_id": contact.id,
            "due_on": yesterday,
            "message": message,
        },
    )
    assert response.status_code == 422
    due = read_field(response.text, "due_on")
    assert due.value == yesterday
    assert due.is_invalid
    assert due.error == "The due date cannot be in the past: choose today or a later day."
    assert read_field(response.text, "message").value == message
    assert read_field(response.text, "contact_id").value == str(contact.id)
    assert read_field(response.text, "questionnaire").value == "soc-assurance"
    assert "Due date: The due date cannot be in the past" in error_summary(response.text)
    # The vendor's page itself, not an error page: its name and the open form are there.
    assert '<details id="send" open>' in response.text
    assert "Error 422" not in response.text
    assert session.exec(select(QuestionnaireRequest)).all() == []


def test_a_send_with_an_unreadable_due_date_says_how_to_write_one(client, session):
    vendor, contact = _vendor_with_contact(session)
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(
        client,
        f"/vendors/{vendor.id}/requests",
        {"questionnaire": "soc-assurance", "contact_id": contact.id, "due_on": "next friday"},
    )
    assert response.status_code == 422
    assert read_field(response.text, "due_on").error == "Enter a date like 2031-12-31."
    assert read_field(response.text, "due_on").value == "next friday"


def test_a_bad_contact_email_keeps_the_name_and_the_form_open(client, session):
    vendor = make_vendor(session, name="Orchard Lane")
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(
        client,
        f"/vendors/{vendor.id}/contacts",
        {"name": "Robin Hart", "email": "robin@orchard", "title": "CISO", "is_primary": "true"},
    )
    assert response.status_code == 422
    assert "location" not in response.headers
    email = read_field(response.text, "c-email")
    assert email.error == EMAIL_WORDS
    assert email.value == "robin@orchard"
    assert read_field(response.text, "c-name").value == "Robin Hart"
    assert read_field(response.text, "c-title").value == "CISO"
    assert 'id="c-primary" name="is_primary" value="true" checked' in response.text
    # No validator jargon anywhere on the page.
    assert "should have a period" not in response.text
    assert "<details open><summary>Add a contact</summary>" in response.text


def test_editing_a_vendor_with_a_bad_trust_center_keeps_every_field(client, session):
    vendor = make_vendor(session, name="Orchard Lane")
    sign_in(client, make_user(session, role=Role.risk_officer))
    response = post_form(
        client,
        f"/vendors/{vendor.id}",
        {
            "name": "Orchard Lane Ltd",
            "services_used": "Payroll",
            "trust_center_url": "orchard.example/trust",
            "data_categories": ["employee_personal_data", "financial_data"],
        },
    )
    assert response.status_code == 422
    url = read_field(response.text, "trust_center_url")
    assert url.error == "Enter a web address like https://trust.example.com."
    assert url.value == "orchard.example/trust"
    assert read_field(response.text, "name").value == "Orchard Lane Ltd"
    assert read_field(response.text, "services_used").value == "Payroll"
    assert 'value="employee_personal_data" checked' in response.text
    assert 'value="financial_data" checked' in response.text


def test_an_invitation_to_a_bad_address_keeps_the_name(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    response = post_form(
        client,
        "/admin/users",
        {"email": "pat at example", "full_name": "Pat Reed", "role": "auditor"},
    )
    assert response.status_code == 422
    assert read_field(response.text, "email").error == (
        "Enter the person's work e-mail address, e.g. sam@acme.example."
    )
    assert read_field(response.text, "full_name").value == "Pat Reed"
    assert read_field(response.text, "role").value == "auditor"


def test_organisation_settings_keep_the_name_when_the_reply_to_is_wrong(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    response = post_form(
        client,
        "/admin/organisation",
        {"name": "Acme Insurance", "reply_to": "vendor-risk", "welcome_text": "Call us."},
    )
    assert response.status_code == 422
    assert read_field(response.text, "reply_to").error == (
        "Enter one e-mail address, such as security@acme.example."
    )
    assert read_field(response.text, "name").value == "Acme Insurance"
    assert read_field(response.text, "welcome_text").value == "Call us."


def test_an_api_token_with_a_bad_expiry_keeps_its_name_and_permissions(client, session):
    sign_in(client, make_user(session, role=Role.risk_officer))
    response = post_form(
        client,
        "/account/api-tokens",
        {
            "name": "GRC sync",
            "expires_in_days": "forever",
            "access": "scopes",
            "scope": ["vendors.read", "scores.read"],
        },
    )
    assert response.status_code == 422
    expiry = read_field(response.text, "token-expiry")
    assert expiry.error == "Enter a number of days from 1 to 366, or leave it empty."
    assert expiry.value == "forever"
    assert read_field(response.text, "token-name").value == "GRC sync"
    assert 'value="scopes" checked' in response.text
    assert 'value="vendors.read" checked> Read vendors' in response.text
    assert 'value="scores.read" checked> Read scores' in response.text


def test_an_api_token_without_permissions_says_so_beside_them(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(
        client, "/account/api-tokens", {"name": "CI", "expires_in_days": "30", "access": "scopes"}
    )
    assert response.status_code == 422
    assert read_field(response.text, "token-scope-group").error == (
        "Choose at least one permission, or give the token your whole role."
    )
    assert read_field(response.text, "token-expiry").value == "30"


def test_a_new_questionnaire_with_a_bad_slug_keeps_its_title(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(
        client,
        "/questionnaires/new",
        {"title": "Cloud hosting", "slug": "Cloud Hosting!", "description": "For hosts."},
    )
    assert response.status_code == 422
    assert read_field(response.text, "slug").error == (
        "Use lower-case words joined by '-', e.g. cloud-hosting."
    )
    assert read_field(response.text, "title").value == "Cloud hosting"
    assert read_field(response.text, "description").value == "For hosts."


def test_an_import_without_a_usable_file_keeps_slug_and_title(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    response = client.post(
        "/questionnaires/import",
        data={
            "csrf_token": csrf_token(client, "/questionnaires/import"),
            "slug": "hosting-review",
            "title": "Hosting review",
        },
        files={"file": ("notes.txt", b"just words", "text/plain")},
    )
    assert response.status_code == 422
    assert read_field(response.text, "file").error
    assert read_field(response.text, "slug").value == "hosting-review"
    assert read_field(response.text, "title").value == "Hosting review"


def test_a_vendor_upload_of_the_wrong_kind_comes_back_beside_the_upload_field(
    client, session, settings
):
    request, token = send_request(session, settings)
    open_portal(client, token)
    client.post(
        "/portal/answers/holds_soc2_type2",
        data={
            "csrf_token": portal_token(client),
            "q__holds_soc2_type2": "yes",
            "v__holds_soc2_type2": "0",
        },
        headers={"HX-Request": "true"},
    )
    response = client.post(
        "/portal/uploads/soc2_report_file",
        data={"csrf_token": portal_token(client)},
        files={"file": ("report.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert response.status_code == 422
    upload = read_field(response.text, "f-soc2_report_file")
    assert upload.is_invalid
    assert upload.error is not None and "not a PDF" in upload.error
    assert "Your file was not kept:" in response.text
    # The questionnaire itself, with the vendor's answer still there.
    assert 'id="q-soc2_report_file"' in response.text
    assert 'value="yes" checked' in response.text
    assert session.exec(select(Document).where(Document.request_id == request.id)).all() == []


def test_extending_to_a_past_date_says_so_beside_the_new_date(client, session, settings):
    request, _token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    past = (date.today() - timedelta(days=3)).isoformat()
    version = form_version(client, f"/requests/{request.id}", "/extend")
    response = post_form(
        client, f"/requests/{request.id}/extend", {"due_on": past, "version": version}
    )
    assert response.status_code == 422
    field = read_field(response.text, "new-due")
    assert field.value == past
    assert field.error == "The new due date cannot be in the past: choose today or a later day."


def test_extending_to_an_unreadable_date_keeps_it_and_says_how_to_write_one(
    client, session, settings
):
    # A browser's date input cannot send this; a script or an old browser can.
    request, _token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    before = request.due_on
    version = form_version(client, f"/requests/{request.id}", "/extend")
    response = post_form(
        client, f"/requests/{request.id}/extend", {"due_on": "31/03/2027", "version": version}
    )
    assert response.status_code == 422
    field = read_field(response.text, "new-due")
    assert field.value == "31/03/2027"
    assert field.is_invalid
    assert field.error == "Enter a date like 2031-12-31."
    # The request's page, not the bare error page.
    assert "Error 422" not in response.text
    assert f"/requests/{request.id}/extend" in response.text
    session.refresh(request)
    assert request.due_on == before


def test_extending_without_a_date_asks_for_one_beside_the_field(client, session, settings):
    request, _token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    version = form_version(client, f"/requests/{request.id}", "/extend")
    response = post_form(
        client, f"/requests/{request.id}/extend", {"due_on": "", "version": version}
    )
    assert response.status_code == 422
    assert read_field(response.text, "new-due").error == "Fill in this field."
