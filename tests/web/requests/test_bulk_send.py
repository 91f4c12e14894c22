"""One questionnaire to several vendors in one action, each to its primary contact."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.mail.models import OutgoingMail
from app.requests.models import QuestionnaireRequest
from app.vendors import service as vendors_service
from tests.factories import make_user, make_vendor, post_form, sign_in

PAGE = "/requests/send-many"


def _vendor(session, name, *contacts):
    vendor = make_vendor(session, name=name)
    for contact_name, email, primary in contacts:
        vendors_service.add_contact(
            session, vendor_id=vendor.id, name=contact_name, email=email, is_primary=primary
        )
    return vendor


def _requests_of(session, vendor):
    return session.exec(
        select(QuestionnaireRequest).where(QuestionnaireRequest.vendor_id == vendor.id)
    ).all()


def test_one_questionnaire_goes_to_each_vendors_primary_contact_with_one_result_each(
    client, session
):
    orchard = _vendor(
        session,
        "Orchard Lane",
        ("Sam", "sam@orchard.example", False),
        ("Pat", "pat@orchard.example", True),
    )
    harbour = _vendor(session, "Harbour Data", ("Lee", "lee@harbour.example", True))
    silent = _vendor(session, "Silent Partner")
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    form = client.get(PAGE).text
    assert "Pat &lt;pat@orchard.example&gt;" in form
    assert "Vendors without a contact" in form and "Silent Partner" in form
    assert f'name="vendor_id" value="{silent.id}"' not in form
    due = (date.today() + timedelta(days=21)).isoformat()
    response = post_form(
        client,
        PAGE,
        {
            "questionnaire": "soc-assurance",
            "due_on": due,
            "message": "Annual review",
            "vendor_id": [orchard.id, harbour.id, silent.id],
        },
    )
    assert response.status_code == 200
    assert "Sent to 2 of 3 vendors" in response.text
    assert "This vendor has no contact yet" in response.text
    sent = _requests_of(session, orchard) + _requests_of(session, harbour)
    assert len(sent) == 2
    assert {r.due_on.isoformat() for r in sent} == {due}
    assert {r.message for r in sent} == {"Annual review"}
    assert {r.created_by_id for r in sent} == {user.id}
    assert _requests_of(session, silent) == []
    recipients = {m.to for m in session.exec(select(OutgoingMail)).all()}
    assert recipients == {"pat@orchard.example", "lee@harbour.example"}
    audited = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.request_sent)
    ).all()
    assert sorted(str(e.subject_id) for e in audited) == sorted(str(r.id) for r in sent)
    for request in sent:
        assert f"/requests/{request.id}" in response.text


def test_sending_twice_does_not_ask_a_vendor_twice(client, session):
    orchard = _vendor(session, "Orchard Lane", ("Pat", "pat@orchard.example", True))
    sign_in(client, make_user(session, role=Role.procurement))
    data = {"questionnaire": "soc-assurance", "vendor_id": [orchard.id]}
    first = post_form(client, PAGE, data).text
    assert "Sent to 1 of 1 vendor." in first and "The invitations are on their way." in first
    again = post_form(client, PAGE, data).text
    assert "Sent to 0 of 1 vendor." in again
    assert "on their way" not in again and "Nothing was sent" in again
    assert "already has this questionnaire open" in again
    assert len(_requests_of(session, orchard)) == 1


def test_errors_keep_what_was_typed_and_sit_beside_the_fields(client, session):
    orchard = _vendor(session, "Orchard Lane", ("Pat", "pat@orchard.example", True))
    harbour = _vendor(session, "Harbour Data", ("Lee", "lee@harbour.example", True))
    sign_in(client, make_user(session, role=Role.procurement))
    past = (date.today() - timedelta(days=1)).isoformat()
    response = post_form(
        client,
        PAGE,
        {
            "questionnaire": "soc-assurance",
            "due_on": past,
            "message": "Please answer before the audit",
            "vendor_id": [harbour.id],
        },
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="due_on-error">The due date cannot be in the past.' in page
    assert 'aria-describedby="due_on-error"' in page
    assert 'href="#due_on">Due date: The due date cannot be in the past.' in page  # the summary
    assert f'value="{past}"' in page
    assert ">Please answer before the audit</textarea>" in page
    assert '<option value="soc-assurance" selected>' in page
    assert f'name="vendor_id" value="{harbour.id}" checked' in page
    assert f'name="vendor_id" value="{orchard.id}">' in page
    nothing_chosen = post_form(client, PAGE, {"questionnaire": "soc-assurance"})
    assert nothing_chosen.status_code == 422
    assert 'id="vendor_id-error">Choose at least one vendor.' in nothing_chosen.text
    assert 'href="#vendor_id">Vendors: Choose at least one vendor.' in nothing_chosen.text
    no_questionnaire = post_form(client, PAGE, {"vendor_id": [orchard.id]})
    assert 'id="questionnaire-error">Choose the questionnaire to send.' in no_questionnaire.text
    assert f'name="vendor_id" value="{orchard.id}" checked' in no_questionnaire.text
    assert session.exec(select(QuestionnaireRequest)).all() == []


def test_an_unnamed_organisation_keeps_the_form_and_says_where_to_name_it(
    client, session, settings
):
    # As a fresh installation: no name from the environment, none set in the browser.
    client.app.state.settings = settings.model_copy(update={"organisation_name": ""})
    orchard = _vendor(session, "Orchard Lane", ("Pat", "pat@orchard.example", True))
    sign_in(client, make_user(session, role=Role.procurement))
    data = {"questionnaire": "soc-assurance", "message": "Hello", "vendor_id": [orchard.id]}
    response = post_form(client, PAGE, data)
    assert response.status_code == 409
    assert "Administration, Organisation" in response.text
    assert ">Hello</textarea>" in response.text
    assert _requests_of(session, orchard) == []


def test_people_who_cannot_send_cannot_open_the_page(client, session):
    sign_in(client, make_user(session, role=Role.auditor))
    assert client.get(PAGE).status_code == 403
