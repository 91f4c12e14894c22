"""Decisions with reasons and history, and score overrides that lapse when a new report arrives."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.requests.models import RequestStatus
from app.reviews.domain.reassessment import add_months
from app.reviews.models import Decision, VendorReview
from app.scoring import service as scoring_service
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.web.reviews.helpers import add_document, report_facts
from tests.web.reviews.test_vendor_review import submitted_vendor


def _vendor(session, settings):
    vendor = make_vendor(session, name="Decided Co")
    add_document(
        session, settings, vendor, facts=report_facts(utcnow().date() - timedelta(days=30))
    )
    return vendor


def test_approving_records_the_decision_with_its_reason_and_keeps_history(
    client, session, settings
):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    path = f"/vendors/{vendor.id}/decisions"
    assert (
        post_form(client, path, {"outcome": "rejected", "reason": "No report"}).status_code == 303
    )
    assert (
        post_form(client, path, {"outcome": "approved", "reason": "Clean report"}).status_code
        == 303
    )
    decisions = session.exec(
        select(Decision).where(Decision.vendor_id == vendor.id).order_by(col(Decision.id))
    ).all()
    assert [d.outcome.value for d in decisions] == ["rejected", "approved"]
    assert session.get(VendorReview, vendor.id).latest_decision == "approved"
    page = client.get(f"/vendors/{vendor.id}/review")
    assert "Clean report" in page.text and "No report" in page.text


def test_a_decision_without_a_reason_is_refused(client, session, settings):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    response = post_form(client, f"/vendors/{vendor.id}/decisions", {"outcome": "approved"})
    assert response.status_code == 422
    assert session.exec(select(Decision).where(Decision.vendor_id == vendor.id)).all() == []


def test_approval_with_conditions_needs_conditions_and_a_follow_up_date(client, session, settings):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    path = f"/vendors/{vendor.id}/decisions"
    data = {"outcome": "approved_with_conditions", "reason": "Exceptions in CC6"}
    assert post_form(client, path, data).status_code == 422
    follow_up = (utcnow().date() + timedelta(days=90)).isoformat()
    data |= {"conditions": "Send remediation evidence", "follow_up_on": follow_up}
    assert post_form(client, path, data).status_code == 303
    decision = session.exec(select(Decision).where(Decision.vendor_id == vendor.id)).one()
    assert decision.conditions == "Send remediation evidence"
    assert decision.follow_up_on.isoformat() == follow_up


def test_requesting_more_information_reopens_the_questionnaire_and_mails_the_vendor(
    client, session, settings, mailbox
):
    vendor, _document, request = submitted_vendor(session, settings, {"holds_soc2_type2": "yes"})
    sign_in(client, make_user(session))
    data = {
        "outcome": "more_information_requested",
        "reason": "Period unclear",
        "message": "Please upload the bridge letter covering Q1.",
    }
    response = post_form(client, f"/vendors/{vendor.id}/decisions", data)
    assert response.status_code == 303
    session.refresh(request)
    assert request.status is RequestStatus.changes_requested
    assert any("bridge letter covering Q1" in mail.text for mail in mailbox.sent)
    decision = session.exec(select(Decision).where(Decision.vendor_id == vendor.id)).one()
    assert decision.request_id == request.id


def test_requesting_more_information_without_a_submitted_questionnaire_is_refused(
    client, session, settings
):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    data = {"outcome": "more_information_requested", "reason": "r", "message": "m"}
    response = post_form(client, f"/vendors/{vendor.id}/decisions", data)
    assert response.status_code == 422
    assert "no submitted questionnaire" in response.text


def test_procurement_and_auditors_cannot_decide_or_override(client, session, settings):
    vendor = _vendor(session, settings)
    for role in (Role.procurement, Role.auditor):
        sign_in(client, make_user(session, role=role))
        data = {"outcome": "approved", "reason": "r"}
        assert post_form(client, f"/vendors/{vendor.id}/decisions", data).status_code == 403
        data = {"value": "90", "reason": "r"}
        assert post_form(client, f"/vendors/{vendor.id}/override", data).status_code == 403


def test_override_sets_the_final_score_and_keeps_the_computed_one_visible(
    client, session, settings
):
    vendor = _vendor(session, settings)
    computed = scoring_service.latest_score(session, vendor.id).value
    sign_in(client, make_user(session))
    path = f"/vendors/{vendor.id}/override"
    assert post_form(client, path, {"value": "42.5"}).status_code == 422
    version = form_version(client, f"/vendors/{vendor.id}/review")
    data = {"value": "42.5", "reason": "Known breach", "version": version}
    assert post_form(client, path, data).status_code == 303
    summary = session.get(VendorReview, vendor.id)
    assert summary.score_value == Decimal("42.5") and summary.is_overridden
    assert summary.computed_value == computed
    assert summary.band == "D"
    page = client.get(f"/vendors/{vendor.id}/review")
    assert "Known breach" in page.text and f"Computed score: {computed}" in page.text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "score.overridden")).one()
    assert event.data["final"] == "42.5" and event.data["reason"] == "Known breach"


def test_an_override_survives_a_rescore_but_lapses_when_a_new_report_arrives(
    client, session, settings
):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    version = form_version(client, f"/vendors/{vendor.id}/review")
    data = {"value": "50", "reason": "Judgement", "version": version}
    post_form(client, f"/vendors/{vendor.id}/override", data)
    post_form(client, f"/vendors/{vendor.id}/decisions", {"outcome": "approved", "reason": "ok"})
    assert session.get(VendorReview, vendor.id).is_overridden
    newer = report_facts(utcnow().date() - timedelta(days=5))
    add_document(session, settings, vendor, content=b"%PDF-1.4 newer", facts=newer)
    summary = session.get(VendorReview, vendor.id)
    session.refresh(summary)
    assert not summary.is_overridden
    assert summary.score_value == scoring_service.latest_score(session, vendor.id).value
    lapses = session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "score.override_lapsed")
    ).all()
    assert len(lapses) == 1


def test_removing_an_override_restores_the_computed_score(client, session, settings):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    version = form_version(client, f"/vendors/{vendor.id}/review")
    data = {"value": "10", "reason": "Judgement", "version": version}
    post_form(client, f"/vendors/{vendor.id}/override", data)
    version = form_version(client, f"/vendors/{vendor.id}/review")
    clear = post_form(client, f"/vendors/{vendor.id}/override/clear", {"version": version})
    assert clear.status_code == 303
    assert not session.get(VendorReview, vendor.id).is_overridden


def test_the_review_page_shows_the_next_review_date_from_the_decision_and_tier(
    client, session, settings
):
    vendor = _vendor(session, settings)  # high tier: every 12 months
    sign_in(client, make_user(session))
    before = client.get(f"/vendors/{vendor.id}/review").text
    assert "Next review: 12 months after the first decision (high tier)" in before
    path = f"/vendors/{vendor.id}/decisions"
    assert post_form(client, path, {"outcome": "approved", "reason": "Fine"}).status_code == 303
    decided = session.exec(select(Decision).where(Decision.vendor_id == vendor.id)).one()
    expected = add_months(decided.decided_at.date(), 12)
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert f"Next review: <strong>{expected.isoformat()}</strong>" in page
    assert session.get(VendorReview, vendor.id).next_review_on == expected
    profile = client.get(f"/vendors/{vendor.id}").text
    assert f"<dt>Next review</dt><dd>{expected.isoformat()}" in profile
