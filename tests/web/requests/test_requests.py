"""Procurement sends questionnaires and manages their links over HTTP."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from app.auth.models import Role
from app.mail.models import OutgoingMail
from app.requests import answer_store as answering
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.vendors import service as vendors_service
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import LINK, open_portal, send_request


def _vendor_with_contact(session):
    vendor = make_vendor(session, name="Acme Hosting")
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Ada", email="ada@acme.example", is_primary=True
    )
    return vendor, contact


def test_procurement_sends_a_questionnaire_and_the_vendor_gets_a_working_link(
    client, session, mailbox
):
    vendor, contact = _vendor_with_contact(session)
    sign_in(client, make_user(session, role=Role.procurement))
    due = (date.today() + timedelta(days=10)).isoformat()
    response = post_form(
        client,
        f"/vendors/{vendor.id}/requests",
        {
            "questionnaire": "soc-assurance",
            "contact_id": contact.id,
            "due_on": due,
            "message": "Ahead of our contract renewal",
        },
    )
    assert response.status_code == 303
    request = session.exec(
        select(QuestionnaireRequest).where(QuestionnaireRequest.vendor_id == vendor.id)
    ).one()
    assert request.status is RequestStatus.sent
    assert request.questionnaire_version == 1
    assert len(request.content_hash) == 64
    assert len(mailbox.sent) == 1
    mail = mailbox.sent[0]
    assert mail.to == "ada@acme.example"
    assert "Ahead of our contract renewal" in mail.text
    assert "Ahead of our contract renewal" in mail.html
    token = LINK.search(mail.text).group(1)
    assert request.token_hash != token
    # Once sent, the stored copy of the message no longer holds the link.
    stored = session.exec(select(OutgoingMail).where(OutgoingMail.to == mail.to)).one()
    assert stored.sent_at is not None
    assert token not in stored.text_body
    client.cookies.clear()
    assert client.get(f"/portal/{token}").status_code == 200


def test_a_past_due_date_is_refused(client, session):
    vendor, contact = _vendor_with_contact(session)
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(
        client,
        f"/vendors/{vendor.id}/requests",
        {
            "questionnaire": "soc-assurance",
            "contact_id": contact.id,
            "due_on": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "cannot be in the past" in response.text


def test_resending_issues_a_new_link_and_the_old_one_stops_working(
    client, session, settings, mailbox
):
    request, old_token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    assert post_form(client, f"/requests/{request.id}/resend").status_code == 303
    new_token = LINK.search(mailbox.sent[-1].text).group(1)
    assert new_token != old_token
    client.cookies.clear()
    assert client.get(f"/portal/{old_token}").status_code == 410
    assert client.get(f"/portal/{new_token}").status_code == 200


def test_revoke_extend_and_cancel_change_the_link_and_the_list(client, session, settings):
    request, token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    new_due = (date.today() + timedelta(days=40)).isoformat()
    version = form_version(
        client, f"/requests/{request.id}", action=f"/requests/{request.id}/extend"
    )
    data = {"due_on": new_due, "version": version}
    assert post_form(client, f"/requests/{request.id}/extend", data).status_code == 303
    session.refresh(request)
    assert request.due_on.isoformat() == new_due
    assert request.expires_at.date() > date.today() + timedelta(days=60)
    assert post_form(client, f"/requests/{request.id}/revoke").status_code == 303
    assert client.get(f"/portal/{token}").status_code == 410
    assert post_form(client, f"/requests/{request.id}/cancel").status_code == 303
    listing = client.get("/requests", params={"status": "cancelled", "who": "all"})
    assert f"/requests/{request.id}" in listing.text
    assert (
        client.get("/requests", params={"status": "sent", "who": "all"}).text.count(
            f'/requests/{request.id}"'
        )
        == 0
    )


def test_request_changes_reopens_a_submitted_questionnaire_with_a_message(
    client, session, settings, mailbox
):
    request, _token = send_request(session, settings)
    request.status = RequestStatus.submitted
    session.add(request)
    session.flush()
    sign_in(client, make_user(session, role=Role.risk_officer))
    response = post_form(
        client, f"/requests/{request.id}/changes", {"message": "Please upload the bridge letter"}
    )
    assert response.status_code == 303
    session.refresh(request)
    assert request.status is RequestStatus.changes_requested
    mail = mailbox.sent[-1]
    assert "Please upload the bridge letter" in mail.text
    client.cookies.clear()
    open_portal(client, LINK.search(mail.text).group(1))
    assert answering.is_editable(request)
    assert "Changes were requested" in client.get("/portal").text


def test_auditors_can_read_requests_but_not_send_or_change_them(client, session, settings):
    request, _ = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.auditor))
    assert client.get(f"/requests/{request.id}").status_code == 200
    assert post_form(client, f"/requests/{request.id}/revoke").status_code == 403
    session.refresh(request)
    assert request.revoked_at is None


def test_the_request_page_shows_answers_in_words_and_uploads_by_file_name(
    client, session, settings
):
    from app.reports.models import Document, UploadChannel

    request, _token = send_request(session, settings)
    document = Document(
        vendor_id=request.vendor_id,
        request_id=request.id,
        filename="Orchard SOC 2 2031.pdf",
        content_type="application/pdf",
        size_bytes=10,
        sha256="0" * 64,
        storage_key="k",
        uploaded_via=UploadChannel.portal,
    )
    session.add(document)
    session.flush()
    for question_id, value in [
        ("primary_soc_report", "soc2"),
        ("holds_soc2_type2", "yes"),
        ("soc2_report_type", "type2"),
        ("soc2_subservice_method", "inclusive"),
        ("soc2_report_file", [str(document.id)]),
    ]:
        answering.save_answer(
            session,
            request=request,
            question_id=question_id,
            value=value,
            expected_version=None,
            actor="vendor",
        )
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get(f"/requests/{request.id}").text
    assert "<dd>SOC 2 report</dd>" in page
    assert "<dd>Type 2 (operating effectiveness over a period)</dd>" in page
    assert "<dd>Inclusive method (their controls are included in the report)</dd>" in page
    assert "<dd>Orchard SOC 2 2031.pdf</dd>" in page
    assert "<dd>Yes</dd>" in page
    answers = page[page.index("<h2>Answers</h2>") :]
    for code in (
        "<dd>soc2</dd>",
        "<dd>type2</dd>",
        "<dd>inclusive</dd>",
        f"<dd>{document.id}</dd>",
    ):
        assert code not in answers
