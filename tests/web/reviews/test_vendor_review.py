"""The vendor's review page: score card, evidence, answers beside facts, corrections, CUECs."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.controls.models import Control
from app.core.db import utcnow
from app.reports.models import ReportFacts
from app.requests.models import Answer, RequestStatus
from app.reviews.models import CuecOwner
from app.scoring import service as scoring_service
from app.scoring.domain.cuecs import cuec_key
from app.vendors.models import Vendor
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import send_request
from tests.web.reviews.helpers import add_document, report_facts


def _reviewed_vendor(session, settings, **facts):
    vendor = make_vendor(session, name="Lumenary Cloud")
    end = utcnow().date() - timedelta(days=40)
    document = add_document(session, settings, vendor, facts=report_facts(end, **facts))
    return vendor, document


def submitted_vendor(session, settings, answers, **facts):
    """A vendor whose questionnaire was submitted with these answers, and a report on file."""
    request, _token = send_request(session, settings)
    for question_id, value in answers.items():
        session.add(Answer(request_id=request.id, question_id=question_id, value=value))
    request.status = RequestStatus.submitted
    request.submitted_at = utcnow()
    session.add(request)
    session.flush()
    vendor = session.get(Vendor, request.vendor_id)
    end = utcnow().date() - timedelta(days=40)
    document = add_document(session, settings, vendor, facts=report_facts(end, **facts))
    return vendor, document, request


def test_score_card_shows_a_bar_and_reason_per_factor_with_evidence_links(
    client, session, settings
):
    vendor, document = _reviewed_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review")
    assert page.status_code == 200
    score = scoring_service.latest_score(session, vendor.id)
    first = score.factors[0]
    assert f'max="{first["max"]}" value="{first["points"]}"' in page.text
    assert f"{first['points']} of {first['max']}" in page.text
    assert first["message"] in page.text
    assert f"/documents/{document.id}/evidence?page=1" in page.text
    assert "<svg" in page.text and "Assurance timeline" in page.text


def test_procurement_sees_the_score_but_not_the_report_facts(client, session, settings):
    vendor, document = _reviewed_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get(f"/vendors/{vendor.id}/review")
    assert page.status_code == 200
    assert "How the score was reached" in page.text
    assert f"/documents/{document.id}/download" not in page.text
    assert "/correct" not in page.text
    assert "Halvorsen" not in page.text
    assert "Record decision" not in page.text


def test_signed_out_visitors_are_sent_to_sign_in(client, session):
    vendor = make_vendor(session)
    response = client.get(f"/vendors/{vendor.id}/review", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]


def test_answers_appear_beside_facts_and_contradictions_are_marked(client, session, settings):
    vendor, _document, _request = submitted_vendor(
        session,
        settings,
        {"primary_soc_report": "soc2", "holds_soc2_type2": "yes", "soc2_report_type": "type1"},
    )
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}/review")
    assert "Answers beside the documents" in page.text
    assert 'class="contradicted"' in page.text
    assert "Contradiction" in page.text
    assert "type2" in page.text


def test_correcting_a_fact_needs_a_reason_and_rescores(client, session, settings):
    vendor, document = _reviewed_vendor(session, settings)
    before = scoring_service.latest_score(session, vendor.id)
    sign_in(client, make_user(session))
    path = f"/documents/{document.id}/facts/opinion"
    version = form_version(client, f"{path}/correct", action=path)
    refused = post_form(client, path, {"value": "qualified", "reason": " ", "version": version})
    assert refused.status_code == 422
    assert "Say why the value is corrected" in refused.text
    assert 'value="qualified"' in refused.text
    data = {"value": "qualified", "reason": "p.4 says except for", "version": version}
    done = post_form(client, path, data)
    assert done.status_code == 303
    facts = session.exec(select(ReportFacts).where(ReportFacts.document_id == document.id)).one()
    assert facts.corrections["opinion"]["value"] == "qualified"
    after = scoring_service.latest_score(session, vendor.id)
    assert after.id != before.id and after.value < before.value
    assert "p.4 says except for" in client.get(f"/vendors/{vendor.id}/review").text


def test_a_correction_that_does_not_fit_the_fact_is_refused(client, session, settings):
    _vendor, document = _reviewed_vendor(session, settings)
    sign_in(client, make_user(session))
    path = f"/documents/{document.id}/facts/exceptions_count"
    version = form_version(client, f"{path}/correct", action=path)
    response = post_form(client, path, {"value": "two", "reason": "x", "version": version})
    assert response.status_code == 422
    assert "whole number" in response.text


def test_a_cuec_without_a_control_has_no_owner_until_it_is_mapped(client, session, settings):
    vendor, document = _reviewed_vendor(session, settings)
    unlinked = [
        f
        for f in scoring_service.latest_score(session, vendor.id).findings
        if f["code"] == "CUEC_UNLINKED"
    ]
    assert len(unlinked) == 1
    # Named as the reviewer knows the report, never by a database id.
    assert f" of {document.id} " not in unlinked[0]["message"]
    assert "Customers review user access quarterly." in unlinked[0]["message"]
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}/review").text
    cuecs = page[page.index('id="cuecs"') :]
    assert "1 of 1 without an owner" in cuecs and "Not mapped to a control" in cuecs
    # One place records who owns a CUEC: the mapping to our controls.
    assert f"/vendors/{vendor.id}/cuecs" in cuecs and "Save owners" not in cuecs
    control = Control(ref="AC-02", name="Access reviews", owner_email="ana@example.com")
    session.add(control)
    session.flush()
    key = cuec_key("Customers review user access quarterly.")
    path = f"/vendors/{vendor.id}/cuecs/{document.id}"
    seen = form_version(client, f"/vendors/{vendor.id}/cuecs", action=path)
    mapped = post_form(client, path, {f"control-{key}": str(control.id), "version": seen})
    assert mapped.status_code == 303
    codes = {f["code"] for f in scoring_service.latest_score(session, vendor.id).findings}
    assert "CUEC_UNLINKED" not in codes
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert "Every CUEC has an owner" in page[page.index('id="cuecs"') :]


def test_an_owner_typed_before_mapping_is_shown_as_a_hint_for_mapping(client, session, settings):
    vendor, document = _reviewed_vendor(session, settings)
    text = "Customers review user access quarterly."
    session.add(
        CuecOwner(
            vendor_id=vendor.id,
            document_id=document.id,
            cuec_key=cuec_key(text),
            cuec_text=text,
            owner="IT Service Desk",
        )
    )
    session.flush()
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}/cuecs").text
    assert "Owner noted before mapping: IT Service Desk" in page


def test_procurement_cannot_correct_facts_or_assign_cuec_owners(client, session, settings):
    _vendor, document = _reviewed_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    assert (
        post_form(
            client, f"/documents/{document.id}/facts/opinion", {"value": "x", "reason": "y"}
        ).status_code
        == 403
    )


def test_a_correction_is_audit_logged(client, session, settings):
    _vendor, document = _reviewed_vendor(session, settings)
    sign_in(client, make_user(session))
    path = f"/documents/{document.id}/facts/exceptions_count"
    version = form_version(client, f"{path}/correct", action=path)
    post_form(client, path, {"value": "3", "reason": "p.9", "version": version})
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "fact.corrected")).all()
    assert any(e.subject_id == str(document.id) for e in events)


def test_a_fact_quoted_from_a_scanned_page_is_marked_as_read_by_ocr(client, session, settings):
    evidence = {
        "framework": [{"page": 1, "snippet": "SOC 3 Report", "ocr": False}],
        "service_auditor": [{"page": 2, "snippet": "Pellham & Voss LLP", "ocr": True}],
    }
    vendor, _document = _reviewed_vendor(session, settings, evidence=evidence)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review").text
    auditor_row = page[page.index("Pellham &amp; Voss LLP") :][:400]
    assert "read by OCR" in auditor_row
    assert page.count("read by OCR") == 1
