"""Requirements per tier on stored data: findings, the dashboard filter and the tier's set."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.auth.models import Role
from app.core.db import utcnow
from app.mail.models import OutgoingMail
from app.requests.models import Answer, QuestionnaireRequest, RequestStatus
from app.reviews.models import VendorReview
from app.reviews.tier_sets import send_tier_set
from app.scoring import service as scoring_service
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier
from tests.api.helpers import API, caller
from tests.factories import make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import send_request
from tests.web.reviews.helpers import add_document, report_facts

TODAY = utcnow().date()
RECENT = TODAY - timedelta(days=40)


def _missing(session, vendor):
    score = scoring_service.latest_score(session, vendor.id)
    return [item["message"] for item in score.findings if item["code"] == "REQUIREMENT_MISSING"]


def _submit(session, request, answers):
    for question_id, value in answers.items():
        session.add(Answer(request_id=request.id, question_id=question_id, value=value))
    request.status = RequestStatus.submitted
    request.submitted_at = utcnow()
    session.add(request)
    session.flush()


def test_a_critical_vendor_lacking_its_set_gets_findings_and_the_dashboard_filter(
    client, session, settings
):
    lacking = make_vendor(session, name="Lacking Co", inherent_tier=InherentTier.critical)
    add_document(session, settings, lacking, facts=report_facts(RECENT))
    request, _token = send_request(
        session, settings, slug="vendor-profile", name="Complete Co", inherent_tier="low"
    )
    _submit(session, request, {})
    complete = vendors_service.get_vendor(session, request.vendor_id)
    add_document(session, settings, complete, facts=report_facts(RECENT))
    messages = _missing(session, lacking)
    assert len(messages) == 3  # two questionnaires and the penetration-test summary
    assert any("'soc-assurance' questionnaire" in message for message in messages)
    assert any("penetration-test summary" in message for message in messages)
    assert session.get(VendorReview, lacking.id).missing_requirements == 3
    sign_in(client, make_user(session, role=Role.risk_officer))
    filtered = client.get("/?missing=1").text
    assert "Lacking Co" in filtered and "3 missing" in filtered
    assert "Complete Co" not in filtered  # low tier: it only owes the profile questionnaire
    review = client.get(f"/vendors/{lacking.id}/review").text
    assert "penetration-test summary" in review  # listed with the other findings
    exported = client.get("/reviews/export.csv?missing=1").content.decode("utf-8-sig")
    header, *rows = exported.splitlines()
    assert header.endswith(",Missing requirements")
    assert len(rows) == 1 and rows[0].startswith("Lacking Co,") and rows[0].endswith(",3")
    _user, headers = caller(session, Role.procurement)
    listed = client.get(f"{API}/vendors?missing_requirements=true", headers=headers).json()
    assert [(item["name"], item["missing_requirements"]) for item in listed["items"]] == [
        ("Lacking Co", 3)
    ]


def test_answering_the_set_and_uploading_the_summary_clears_the_findings(session, settings):
    request, _token = send_request(
        session, settings, slug="security-baseline", inherent_tier=InherentTier.high
    )
    _submit(session, request, {"penetration_test": "yes", "penetration_test_summary": "doc-7"})
    vendor = vendors_service.get_vendor(session, request.vendor_id)
    second, _ = send_request(session, settings, slug="soc-assurance")
    second.vendor_id = vendor.id
    _submit(session, second, {})
    add_document(session, settings, vendor, facts=report_facts(RECENT))
    assert _missing(session, vendor) == []
    assert session.get(VendorReview, vendor.id).missing_requirements == 0


def test_a_report_missing_a_criterion_the_profile_needs_is_named(session, settings):
    vendor = make_vendor(session, name="Narrow Co", inherent_tier=InherentTier.high)
    vendor.profile = {**vendor.profile, "personal_data": True}
    session.add(vendor)
    add_document(session, settings, vendor, facts=report_facts(RECENT))
    assert any("does not cover privacy" in message for message in _missing(session, vendor))


def _vendor_with_contact(session, tier):
    vendor = make_vendor(session, name="Setly Co", inherent_tier=tier)
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Sam Lead", email="sam@setly.example", is_primary=True
    )
    return vendor, contact


def _sent(session, vendor):
    return session.exec(
        select(QuestionnaireRequest)
        .where(QuestionnaireRequest.vendor_id == vendor.id)
        .order_by(col(QuestionnaireRequest.id))
    ).all()


def test_sending_the_tier_set_skips_questionnaires_already_open(session, settings):
    vendor, contact = _vendor_with_contact(session, InherentTier.critical)
    user = make_user(session, role=Role.procurement)
    first = send_tier_set(session, vendor=vendor, user=user, settings=settings, today=TODAY)
    assert (first.sent, first.already_open) == (2, ())
    rows = _sent(session, vendor)
    assert [row.questionnaire_slug for row in rows] == ["security-baseline", "soc-assurance"]
    assert {row.contact_id for row in rows} == {contact.id}
    assert {row.created_by_id for row in rows} == {user.id}
    mail = session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id).desc())).first()
    assert "penetration-test summary" in mail.text_body
    rows[0].status = RequestStatus.submitted
    session.add(rows[0])
    session.flush()
    again = send_tier_set(session, vendor=vendor, user=user, settings=settings, today=TODAY)
    assert again.sent == 1 and len(again.already_open) == 1


def test_the_vendor_page_lists_the_set_and_sends_it_in_one_action(client, session):
    vendor, _contact = _vendor_with_contact(session, InherentTier.low)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get(f"/vendors/{vendor.id}").text
    assert "What its tier requires" in page
    assert "Send the tier's set to the primary contact" in page
    response = post_form(client, f"/vendors/{vendor.id}/tier-set")
    assert response.status_code == 303
    assert "tier_set_sent=1" in response.headers["location"]
    assert [row.questionnaire_slug for row in _sent(session, vendor)] == ["vendor-profile"]
    refused = post_form(client, f"/vendors/{vendor.id}/tier-set")
    shown = client.get(refused.headers["location"]).text
    assert "Nothing sent: The vendor is already answering every questionnaire" in shown


def test_a_vendor_without_a_tier_or_primary_contact_is_told_what_to_do_first(client, session):
    untiered = make_vendor(session, name="Untiered Co", inherent_tier=None)
    sign_in(client, make_user(session, role=Role.risk_officer))
    assert "Assess the vendor's inherent tier" in client.get(f"/vendors/{untiered.id}").text
    no_contact = make_vendor(session, name="Alone Co", inherent_tier=InherentTier.low)
    response = post_form(client, f"/vendors/{no_contact.id}/tier-set")
    assert "primary" in client.get(response.headers["location"]).text
    assert _sent(session, no_contact) == []


def test_an_auditor_cannot_send_the_set(client, session):
    vendor, _contact = _vendor_with_contact(session, InherentTier.low)
    sign_in(client, make_user(session, role=Role.auditor))
    assert "Send the tier" not in client.get(f"/vendors/{vendor.id}").text
    assert post_form(client, f"/vendors/{vendor.id}/tier-set").status_code == 403
    assert _sent(session, vendor) == []
