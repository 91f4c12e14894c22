"""Overrides over the API: a reason is required, the same audit as the review page, and the
band (with its label and residual risk) always follows the final score."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.reviews.models import VendorReview
from tests.api.helpers import API, assert_error, caller
from tests.factories import make_user, make_vendor, sign_in
from tests.web.reviews.helpers import add_document, report_facts


def _scored_vendor(session, settings):
    vendor = make_vendor(session, name="Override Co")
    add_document(
        session, settings, vendor, facts=report_facts(utcnow().date() - timedelta(days=30))
    )
    return vendor


def test_an_override_to_65_is_band_c_with_c_s_label_everywhere(client, session, settings):
    vendor = _scored_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    url = f"{API}/vendors/{vendor.id}/score/override"

    response = client.post(url, json={"value": "65", "reason": "Known breach"}, headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["score"], body["band"], body["band_label"]) == ("65.0", "C", "Limited, follow up")
    assert body["is_overridden"] is True and body["override"]["reason"] == "Known breach"
    current = client.get(f"{API}/vendors/{vendor.id}/score", headers=headers).json()
    assert (current["score"], current["band"], current["is_overridden"]) == ("65.0", "C", True)
    assert current["computed_score"] != "65.0" and current["computed_band"] != "C"
    explained = client.get(f"{API}/vendors/{vendor.id}/score/explanation", headers=headers).json()
    assert explained["band_label"] == "Limited, follow up"
    assert session.get(VendorReview, vendor.id).band == "C"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "score.overridden")).one()
    assert (event.data["final"], event.data["reason"]) == ("65.0", "Known breach")

    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert "Limited, follow up" in page and "overridden; computed band" in page
    export = client.get(f"/vendors/{vendor.id}/review/export.csv")
    assert export.status_code == 200
    assert "Limited, follow up" in export.text


def test_an_override_without_a_reason_or_out_of_range_is_refused(client, session, settings):
    vendor = _scored_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    url = f"{API}/vendors/{vendor.id}/score/override"
    assert_error(client.post(url, json={"value": "65"}, headers=headers), 422)
    assert_error(client.post(url, json={"value": "65", "reason": " "}, headers=headers), 422)
    assert_error(client.post(url, json={"value": "101", "reason": "r"}, headers=headers), 422)
    assert (
        session.exec(select(AuditEvent).where(AuditEvent.action == "score.overridden")).all() == []
    )


def test_only_roles_that_may_score_can_override(client, session, settings):
    vendor = _scored_vendor(session, settings)
    _user, headers = caller(session, Role.procurement)
    url = f"{API}/vendors/{vendor.id}/score/override"
    response = client.post(url, json={"value": "65", "reason": "r"}, headers=headers)
    assert response.status_code == 403


def test_deleting_the_override_brings_back_the_computed_score_and_band(client, session, settings):
    vendor = _scored_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    url = f"{API}/vendors/{vendor.id}/score/override"
    client.post(url, json={"value": "20", "reason": "Judgement"}, headers=headers)

    response = client.delete(url, headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["is_overridden"] is False and body["override"] is None
    assert body["score"] == body["computed_score"] and body["band"] == body["computed_band"]
    removed = select(AuditEvent).where(col(AuditEvent.action) == "score.override_removed")
    assert len(session.exec(removed).all()) == 1
