"""Reports kept in a vendor's trust center: the address and terms, then the file, with provenance.

Nothing is fetched from the internet: the vendor (or staff) gives the address and the terms
that apply, then attaches the copy they downloaded; the reviewer sees where it came from.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.reports.models import Document
from app.requests import answer_store as answering
from app.vendors.models import Vendor
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.form_pages import error_summary, read_field
from tests.portal_helpers import open_portal, portal_token, send_request

PDF = Path(__file__).parents[1] / "fixtures" / "corpus" / "a01.pdf"
ADDRESS = "https://trust.vendor.example/reports/soc2"
QUESTION = "soc2_report_trust_center"


def _save(client, question_id, value, version=0, **extra):
    data = {
        f"q__{question_id}": value,
        f"v__{question_id}": str(version),
        "csrf_token": portal_token(client),
        **extra,
    }
    return client.post(f"/portal/answers/{question_id}", data=data, headers={"HX-Request": "true"})


def _upload(client, question_id):
    return client.post(
        f"/portal/uploads/{question_id}",
        data={"csrf_token": portal_token(client)},
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
        follow_redirects=False,
    )


def _reach_trust_center_question(client, session, settings):
    request, token = send_request(session, settings, slug="ai-provider")
    open_portal(client, token)
    assert _save(client, "ai_features_offered", "yes").status_code == 200
    assert _save(client, "ai_in_soc2_scope", "yes").status_code == 200
    return request


def test_a_vendor_gives_the_address_and_terms_then_attaches_the_report(client, session, settings):
    request = _reach_trust_center_question(client, session, settings)
    page = client.get("/portal")
    assert "Web address of the report in your trust center" in page.text
    saved = _save(client, QUESTION, ADDRESS, **{f"q__{QUESTION}__terms": "nda"})
    assert saved.status_code == 200, saved.text
    assert answering.load_answers(session, request.id)[QUESTION].value == [ADDRESS, "nda"]

    assert _upload(client, QUESTION).status_code == 303
    document = session.exec(select(Document).where(Document.request_id == request.id)).one()
    assert (document.source_url, document.source_terms) == (ADDRESS, "nda")
    assert document.source_obtained_on == date.today()
    # The answer keeps the address; the file is found by its provenance.
    assert answering.load_answers(session, request.id)[QUESTION].value == [ADDRESS, "nda"]
    assert f"From {ADDRESS}" in client.get("/portal").text
    recorded = session.exec(
        select(AuditEvent).where(AuditEvent.action == "document.source_recorded")
    ).one()
    assert recorded.data["url"] == ADDRESS

    sign_in(client, make_user(session, role=Role.risk_officer))
    review = client.get(f"/vendors/{request.vendor_id}/review")
    assert "From the vendor's trust center" in review.text
    assert ADDRESS in review.text
    assert "Sign a non-disclosure agreement" in review.text
    assert "attached by the vendor, through the questionnaire" in review.text


def test_a_trust_center_answer_needs_a_web_address_and_known_terms(client, session, settings):
    request = _reach_trust_center_question(client, session, settings)
    not_an_address = _save(client, QUESTION, "our trust portal", **{f"q__{QUESTION}__terms": "nda"})
    assert not_an_address.status_code == 422
    odd_terms = _save(client, QUESTION, ADDRESS, **{f"q__{QUESTION}__terms": "handshake"})
    assert odd_terms.status_code == 422
    assert QUESTION not in answering.load_answers(session, request.id)


def test_a_file_cannot_be_attached_before_the_address_is_given(client, session, settings):
    request = _reach_trust_center_question(client, session, settings)
    response = _upload(client, QUESTION)
    assert response.status_code == 422
    assert session.exec(select(Document).where(Document.request_id == request.id)).all() == []


def test_staff_record_the_trust_center_on_the_vendor_and_attach_a_report_from_it(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    edit = post_form(
        client,
        f"/vendors/{vendor.id}",
        {
            "name": vendor.name,
            "status": "active",
            "trust_center_url": ADDRESS,
            "trust_center_terms": "click_through",
            "version": form_version(client, f"/vendors/{vendor.id}/edit"),
        },
    )
    assert edit.status_code == 303, edit.text
    session.refresh(vendor)
    assert (vendor.trust_center_url, vendor.trust_center_terms) == (ADDRESS, "click_through")
    assert ADDRESS in client.get(f"/vendors/{vendor.id}").text  # pre-filled in the upload form

    upload = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {
            "source_url": ADDRESS,
            "source_terms": "click_through",
            "source_obtained_on": "2026-11-30",
        },
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert upload.status_code == 303, upload.text
    document = session.exec(select(Document).where(Document.vendor_id == vendor.id)).one()
    assert document.source_obtained_on == date(2026, 11, 30)
    review = client.get(f"/vendors/{vendor.id}/review")
    assert "Accept a click-through agreement" in review.text
    assert "Obtained 2026-11-30" in review.text
    assert "by staff" in review.text


def test_a_plain_staff_upload_has_no_provenance(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    upload = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {"source_url": "", "source_terms": "", "source_obtained_on": ""},
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert upload.status_code == 303, upload.text
    document = session.exec(select(Document).where(Document.vendor_id == vendor.id)).one()
    assert document.source_url is None
    assert "trust center:" not in client.get(f"/vendors/{vendor.id}/review").text


def test_bad_trust_center_details_are_refused_and_nothing_is_stored(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    upload = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {"source_url": ADDRESS, "source_terms": "whatever"},
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert upload.status_code == 422
    assert session.exec(select(Document).where(Document.vendor_id == vendor.id)).all() == []
    version = form_version(client, f"/vendors/{vendor.id}/edit")
    edit = post_form(
        client,
        f"/vendors/{vendor.id}",
        {"name": vendor.name, "trust_center_url": "ftp://x", "version": version},
    )
    assert edit.status_code == 422
    assert session.get(Vendor, vendor.id).trust_center_url is None


def test_an_upload_with_bad_source_details_says_each_problem_beside_its_field(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    upload = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {
            "source_url": "trust.vendor.example",
            "source_terms": "",
            "source_obtained_on": "last Tuesday",
        },
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert upload.status_code == 422
    assert "Please correct these 3 things" in error_summary(upload.text)
    address = read_field(upload.text, "source-url")
    assert address.error == "Enter the trust center address as a web address starting https://."
    assert address.is_invalid
    obtained = read_field(upload.text, "source-date")
    assert obtained.error == "Enter a date like 2031-12-31."
    file = read_field(upload.text, "document-file")
    assert file.error == "Choose the file again: it was not kept."
    # What was typed is there to mend, and the trust-center section is open on it.
    assert address.value == "trust.vendor.example"
    assert obtained.value == "last Tuesday"
    assert "<details open><summary>Obtained from the vendor" in upload.text
    assert session.exec(select(Document).where(Document.vendor_id == vendor.id)).all() == []


def test_a_day_after_today_and_missing_terms_are_refused_beside_their_fields(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    upload = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {"source_url": ADDRESS, "source_terms": "", "source_obtained_on": "2999-01-01"},
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert upload.status_code == 422
    terms = read_field(upload.text, "source-terms")
    assert terms.error == "Choose the terms that apply to downloading the report."
    obtained = read_field(upload.text, "source-date")
    assert obtained.error == "The report cannot have been obtained after today."
    assert read_field(upload.text, "source-url").value == ADDRESS
