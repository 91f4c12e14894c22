"""Answers are checked against the right document, and documents against the vendor.

The scenarios a reviewer tries first: a Type 1 uploaded where a Type 2 was asked for while a
SOC 3 sits elsewhere, a report about the vendor's hosting provider, a wrong upload the vendor
removes, and a subservice organisation's own report.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.reports.models import Document, DocumentIdentity
from app.requests import answer_store
from app.requests.models import QuestionnaireRequest
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.vendors.models import Vendor
from tests.factories import make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request
from tests.web.reviews.helpers import add_document, report_facts

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
pytestmark = pytest.mark.db


def _save(client, session: Session, request: QuestionnaireRequest, question_id: str, value):
    current = answer_store.load_answers(session, request.id).get(question_id)
    data = {
        f"q__{question_id}": value,
        f"v__{question_id}": str(current.row_version if current else 0),
        "csrf_token": portal_token(client),
    }
    response = client.post(
        f"/portal/answers/{question_id}", data=data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.text


def _upload_in_portal(client, question_id: str, pdf: str):
    return client.post(
        f"/portal/uploads/{question_id}",
        data={"csrf_token": portal_token(client)},
        files={"file": (pdf, (CORPUS / pdf).read_bytes(), "application/pdf")},
    )


def _staff_upload(client, session: Session, vendor_id: int, pdf: str) -> None:
    sign_in(client, make_user(session, role=Role.risk_officer))
    response = post_form(
        client,
        f"/vendors/{vendor_id}/documents",
        files={"file": (pdf, (CORPUS / pdf).read_bytes(), "application/pdf")},
    )
    assert response.status_code == 303, response.text


def _fill_and_submit(client, session: Session, request: QuestionnaireRequest) -> None:
    definition = answer_store.frozen_definition(request).definition
    for _ in range(10):
        missing = answer_store.missing_answers(
            request, answer_store.load_answers(session, request.id)
        )
        if not missing:
            break
        for item in missing:
            question = definition.question(item.question_id)
            assert question is not None
            if question.type.value == "file_upload":
                continue
            value = question.choice_values()[-1] if question.choices else "2024-03-31"
            if question.type.value == "yes_no":
                value = "no"
            elif question.type.value in ("short_text", "long_text"):
                value = "Answer"
            elif question.type.value == "number":
                value = "0"
            _save(client, session, request, question.id, value)
    response = client.post("/portal/submit", data={"csrf_token": portal_token(client)})
    assert response.status_code in (200, 303), response.text


def _latest(session: Session, vendor_id: int) -> Score:
    session.expire_all()
    score = scoring_service.latest_score(session, vendor_id)
    assert score is not None
    return score


def _document(session: Session, vendor_id: int, filename: str) -> Document:
    found = session.exec(
        select(Document).where(Document.vendor_id == vendor_id, Document.filename == filename)
    ).one()
    return found


def test_a_type1_in_the_type2_slot_is_compared_with_the_answers_and_a_soc3_is_left_aside(
    client, session, settings
):
    # The vendor is known by both names, so both reports are its own.
    request, token = send_request(
        session, settings, name="Pallas Ledger Corp.", aliases=["Glasswing Identity"]
    )
    open_portal(client, token)
    _save(client, session, request, "primary_soc_report", "soc2")
    _save(client, session, request, "holds_soc2_type2", "yes")
    _save(client, session, request, "soc2_report_type", "type2")
    page = _upload_in_portal(client, "soc2_report_file", "a03.pdf")
    assert page.status_code == 200
    assert "This is a Type 1 report" in page.text  # told at once, without blocking
    _fill_and_submit(client, session, request)
    client.cookies.clear()
    _staff_upload(client, session, request.vendor_id, "a09.pdf")  # the SOC 3, elsewhere

    type1 = _document(session, request.vendor_id, "a03.pdf")
    checks = {
        c["claim"]: c for c in _latest(session, request.vendor_id).explanation["claim_checks"]
    }
    assert checks["report_type"]["document_id"] == str(type1.id)
    assert checks["report_type"]["status"] == "contradiction"
    assert checks["report_type"]["shows"] == "type1"
    findings = _latest(session, request.vendor_id).findings
    assert any(f["code"] == "SOC2_TYPE2_CLAIM_TYPE1" for f in findings)

    review = client.get(f"/vendors/{request.vendor_id}/review")
    assert review.status_code == 200
    report_type_row = next(
        part
        for part in review.text.split("<tr")
        if "which report type is the uploaded soc 2 report" in part.lower()
    )
    assert "a03.pdf" in report_type_row and "Contradiction" in report_type_row
    assert "a09.pdf" not in report_type_row


def test_equal_values_are_consistent_and_nothing_compared_is_not_checked(client, session, settings):
    request, token = send_request(session, settings, name="Lumenary Cloud")
    open_portal(client, token)
    _save(client, session, request, "holds_soc2_type2", "yes")
    _upload_in_portal(client, "soc2_report_file", "a01.pdf")
    _save(client, session, request, "has_bridge_letter", "yes")
    _save(client, session, request, "bridge_letter_through", "2024-06-30")
    wrong = _upload_in_portal(client, "bridge_letter_file", "a13.pdf")  # not a bridge letter
    assert "this question asks for a bridge letter" in wrong.text
    _fill_and_submit(client, session, request)

    checks = {
        c["claim"]: c for c in _latest(session, request.vendor_id).explanation["claim_checks"]
    }
    assert checks["period_start"]["status"] == "consistent"  # pre-filled: the same date
    assert checks["period_start"]["answered"] == checks["period_start"]["shows"]
    assert checks["bridge_through"]["status"] == "not_checked"
    assert checks["bridge_through"]["note"] == "the document does not state this"


def test_a_report_about_the_hosting_provider_earns_nothing_until_staff_confirm_the_name(
    client, session, settings
):
    request, _token = send_request(session, settings, name="Orchard Lane Benefits, Inc.")
    _staff_upload(client, session, request.vendor_id, "a01.pdf")  # Lumenary Cloud's report

    score = _latest(session, request.vendor_id)
    assert score.value is None  # the vendor's own evidence: none
    other = [f for f in score.findings if f["code"] == "DOCUMENT_OTHER_ORGANIZATION"]
    assert other and "Lumenary Cloud, Inc." in other[0]["message"]
    assert "Orchard Lane Benefits, Inc." in other[0]["message"]
    assert other[0]["evidence"], "the page the name was read from"
    assert answer_store.load_answers(session, request.id) == {}  # pre-fills nothing

    document = _document(session, request.vendor_id, "a01.pdf")
    review = client.get(f"/vendors/{request.vendor_id}/review")
    assert "About another organisation" in review.text
    confirmed = post_form(client, f"/documents/{document.id}/confirm-alias")
    assert confirmed.status_code == 303
    session.expire_all()
    vendor = session.get(Vendor, request.vendor_id)
    assert vendor is not None and vendor.aliases == ["Lumenary Cloud, Inc."]
    assert _latest(session, request.vendor_id).value is not None
    assert answer_store.load_answers(session, request.id)  # now it pre-answers


def test_the_vendor_is_told_at_once_and_can_say_whose_document_it_is(client, session, settings):
    request, token = send_request(session, settings, name="Orchard Lane Benefits")
    open_portal(client, token)
    _save(client, session, request, "holds_soc2_type2", "yes")
    page = _upload_in_portal(client, "soc2_report_file", "a01.pdf")
    assert "This document is about Lumenary Cloud, Inc., not about Orchard Lane Benefits" in (
        page.text
    )
    document = _document(session, request.vendor_id, "a01.pdf")
    said = client.post(
        f"/portal/documents/{document.id}/identity",
        data={"identity": "alias_proposed", "csrf_token": portal_token(client)},
    )
    assert said.status_code == 200
    session.refresh(document)
    assert document.identity is DocumentIdentity.alias_proposed
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "document.identity_stated")
    ).all()
    assert len(events) == 1


def test_a_subservice_organisations_own_report_closes_the_no_report_gap(session, settings):
    vendor = make_vendor(session, name="Lumenary Cloud")
    add_document(session, settings, vendor, facts=report_facts(_recent()))
    gaps = [f["code"] for f in _latest(session, vendor.id).findings]
    assert "CARVED_OUT_NO_SUBSERVICE_REPORT" in gaps
    provider = add_document(
        session,
        settings,
        vendor,
        content=b"%PDF-1.7 another report",
        filename="aws-soc2.pdf",
        facts=report_facts(_recent(), service_organization="Amazon Web Services, Inc."),
    )
    codes = [f["code"] for f in _latest(session, vendor.id).findings]
    assert "DOCUMENT_OTHER_ORGANIZATION" in codes
    provider.identity = DocumentIdentity.subservice
    session.add(provider)
    scoring_service.recompute_vendor(session, vendor, as_of=_recent(), reason="test")
    codes = [f["code"] for f in _latest(session, vendor.id).findings]
    assert "DOCUMENT_OTHER_ORGANIZATION" not in codes
    assert "CARVED_OUT_NO_SUBSERVICE_REPORT" not in codes


def test_a_vendor_removes_a_wrong_upload_and_what_was_read_from_it(client, session, settings):
    request, token = send_request(session, settings, name="Corvid Metrics")
    open_portal(client, token)
    _save(client, session, request, "holds_soc2_type2", "yes")
    _upload_in_portal(client, "soc2_report_file", "a02.pdf")
    document = _document(session, request.vendor_id, "a02.pdf")
    stored = settings.storage_dir / document.storage_key[:2] / document.storage_key
    answers = answer_store.load_answers(session, request.id)
    assert answers["soc2_report_type"].source_document_id == document.id
    assert stored.exists()

    removed = client.post(
        f"/portal/documents/{document.id}/remove", data={"csrf_token": portal_token(client)}
    )
    assert removed.status_code == 200
    assert "The file was removed" in removed.text
    session.expire_all()
    assert session.get(Document, document.id) is None
    answers = answer_store.load_answers(session, request.id)
    assert answers["soc2_report_file"].value is None
    assert answers["soc2_report_type"].value is None  # read from the removed report
    assert answers["holds_soc2_type2"].value == "yes"  # the vendor's own answer stays
    assert not stored.exists()  # the request committed the removal, so the file went with it
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "document.removed")).all()
    assert len(events) == 1
    receipt = client.get("/portal/receipt")
    assert "a02.pdf" not in receipt.text


def _recent() -> date:
    return date.today() - timedelta(days=60)
