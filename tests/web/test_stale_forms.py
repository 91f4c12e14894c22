"""No lost updates on staff forms: a save from a page opened before someone else's save is
refused with 409, keeps what was typed and shows the current value."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from app.auth.models import Role
from app.controls.models import Control, CuecLink
from app.core.db import utcnow
from app.reports.models import ReportFacts
from app.requests import answer_store
from app.reviews.cuecs import cuec_key
from app.scoring import service as scoring_service
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request
from tests.web.reviews.helpers import add_document, report_facts
from tests.web.reviews.test_vendor_review import _reviewed_vendor as reviewed_vendor

pytestmark = pytest.mark.db


def _vendor(session, settings):
    vendor = make_vendor(session, name="Contested Co")
    add_document(
        session, settings, vendor, facts=report_facts(utcnow().date() - timedelta(days=30))
    )
    return vendor


def test_two_officers_overriding_from_the_same_page_state_cannot_both_win(
    client, session, settings
):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    review = f"/vendors/{vendor.id}/review"
    seen = form_version(client, review)  # both officers opened the page now
    first = {"value": "70", "reason": "First officer's judgement", "version": seen}
    assert post_form(client, f"/vendors/{vendor.id}/override", first).status_code == 303
    second = {"value": "20", "reason": "Second officer's judgement", "version": seen}
    refused = post_form(client, f"/vendors/{vendor.id}/override", second)
    assert refused.status_code == 409
    assert "Someone else changed this vendor&#39;s final score" in refused.text
    assert "Second officer&#39;s judgement" in refused.text  # what was typed is kept
    assert 'value="20"' in refused.text
    assert "First officer&#39;s judgement" in refused.text  # the current value is shown
    score = scoring_service.latest_score(session, vendor.id)
    assert score.override_value == Decimal("70.0")
    # Having seen the current value, the second officer may save.
    again = {**second, "version": form_version(client, review)}
    assert post_form(client, f"/vendors/{vendor.id}/override", again).status_code == 303
    assert scoring_service.latest_score(session, vendor.id).override_value == Decimal("20.0")


def test_an_override_form_without_a_version_is_refused(client, session, settings):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    data = {"value": "70", "reason": "No version"}
    response = post_form(client, f"/vendors/{vendor.id}/override", data)
    assert response.status_code == 409
    assert "out of date" in response.text
    assert scoring_service.latest_score(session, vendor.id).override_value is None


def test_removing_an_override_from_a_stale_page_is_refused(client, session, settings):
    vendor = _vendor(session, settings)
    sign_in(client, make_user(session))
    review = f"/vendors/{vendor.id}/review"
    data = {"value": "70", "reason": "Set", "version": form_version(client, review)}
    assert post_form(client, f"/vendors/{vendor.id}/override", data).status_code == 303
    stale = form_version(client, review)
    newer = {"value": "80", "reason": "Changed again", "version": stale}
    assert post_form(client, f"/vendors/{vendor.id}/override", newer).status_code == 303
    response = post_form(client, f"/vendors/{vendor.id}/override/clear", {"version": stale})
    assert response.status_code == 409
    assert scoring_service.latest_score(session, vendor.id).override_value == Decimal("80.0")


def test_the_portal_refuses_an_answer_saved_without_its_version(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    path = "/portal/answers/holds_soc2_type2"
    headers = {"HX-Request": "true"}
    first = {"q__holds_soc2_type2": "yes", "v__holds_soc2_type2": "0"}
    saved = client.post(path, data={**first, "csrf_token": portal_token(client)}, headers=headers)
    assert saved.status_code == 200
    blind = {"q__holds_soc2_type2": "no", "csrf_token": portal_token(client)}
    refused = client.post(path, data=blind, headers=headers)
    assert refused.status_code == 422
    assert "out of date" in refused.text
    answers = answer_store.load_answers(session, request.id)
    assert answers["holds_soc2_type2"].value == "yes"


def test_a_vendor_edit_from_a_stale_page_is_refused_keeping_both_versions(client, session):
    vendor = make_vendor(session, name="Harbour Logistics")
    sign_in(client, make_user(session))
    edit = f"/vendors/{vendor.id}/edit"
    seen = form_version(client, edit)
    first = {"name": "Harbour Logistics Ltd", "status": "active", "version": seen}
    assert post_form(client, f"/vendors/{vendor.id}", first).status_code == 303
    second = {"name": "Harbour Freight", "status": "onboarding", "version": seen}
    refused = post_form(client, f"/vendors/{vendor.id}", second)
    assert refused.status_code == 409
    assert "Someone else changed this vendor" in refused.text
    assert 'value="Harbour Freight"' in refused.text  # what was typed
    assert "Now saved: name <strong>Harbour Logistics Ltd</strong>" in refused.text
    session.refresh(vendor)
    assert vendor.name == "Harbour Logistics Ltd"
    without = post_form(client, f"/vendors/{vendor.id}", {"name": "No version", "status": "active"})
    assert without.status_code == 409
    session.refresh(vendor)
    assert vendor.name == "Harbour Logistics Ltd"


def test_a_profile_saved_from_a_stale_page_is_refused(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session))
    seen = form_version(client, f"/vendors/{vendor.id}/profile")
    edit = {"name": "Renamed meanwhile", "status": "active"}
    edit["version"] = form_version(client, f"/vendors/{vendor.id}/edit")
    assert post_form(client, f"/vendors/{vendor.id}", edit).status_code == 303
    answers = {"q__system_access": "user", "version": seen}
    refused = post_form(client, f"/vendors/{vendor.id}/profile", answers)
    assert refused.status_code == 409
    assert "Someone else changed this vendor" in refused.text


def test_a_fact_corrected_meanwhile_is_not_silently_corrected_again(client, session, settings):
    _vendor, document = reviewed_vendor(session, settings)
    sign_in(client, make_user(session))
    path = f"/documents/{document.id}/facts/opinion"
    seen = form_version(client, f"{path}/correct", action=path)
    first = {"value": "qualified", "reason": "p.4 says except for", "version": seen}
    assert post_form(client, path, first).status_code == 303
    second = {"value": "adverse", "reason": "my reading of p.5", "version": seen}
    refused = post_form(client, path, second)
    assert refused.status_code == 409
    assert "Someone else changed this fact" in refused.text
    assert 'value="adverse"' in refused.text  # what was typed is kept
    assert "my reading of p.5</textarea>" in refused.text
    assert "p.4 says except for" in refused.text  # the current correction is shown
    facts = session.exec(select(ReportFacts).where(ReportFacts.document_id == document.id)).one()
    assert facts.corrections["opinion"]["value"] == "qualified"


def test_a_cuec_mapping_saved_from_a_stale_page_is_refused(client, session, settings):
    vendor, document = reviewed_vendor(session, settings)
    access = Control(ref="AC-02", name="Access reviews", owner_email="ana@example.com")
    keys = Control(ref="KM-01", name="Key management", owner_email="ben@example.com")
    session.add_all([access, keys])
    session.flush()
    sign_in(client, make_user(session))
    field = f"control-{cuec_key('Customers review user access quarterly.')}"
    path = f"/vendors/{vendor.id}/cuecs/{document.id}"
    seen = form_version(client, f"/vendors/{vendor.id}/cuecs", action=path)
    assert post_form(client, path, {field: str(access.id), "version": seen}).status_code == 303
    refused = post_form(client, path, {field: str(keys.id), "version": seen})
    assert refused.status_code == 409
    assert f'value="{keys.id}" selected' in refused.text  # what was chosen is kept
    assert "Now saved: AC-02: Access reviews" in refused.text
    link = session.exec(select(CuecLink).where(CuecLink.document_id == document.id)).one()
    assert link.control_id == access.id


def test_a_due_date_changed_meanwhile_is_not_silently_replaced(client, session, settings):
    request, _token = send_request(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    path = f"/requests/{request.id}/extend"
    seen = form_version(client, f"/requests/{request.id}", action=path)
    later = (utcnow().date() + timedelta(days=60)).isoformat()
    sooner = (utcnow().date() + timedelta(days=20)).isoformat()
    assert post_form(client, path, {"due_on": later, "version": seen}).status_code == 303
    refused = post_form(client, path, {"due_on": sooner, "version": seen})
    assert refused.status_code == 409
    assert f'value="{sooner}"' in refused.text
    assert "Now saved: due" in refused.text
    session.refresh(request)
    assert request.due_on.isoformat() == later
