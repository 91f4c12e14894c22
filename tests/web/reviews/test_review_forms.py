"""The review page's forms: a fact corrected on its own page, a refused override or decision
keeps what was typed and says beside each field, in plain words, what to change."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from app.core.db import utcnow
from app.reports.models import ReportFacts
from app.reviews.models import Decision
from app.scoring import service as scoring_service
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.web.reviews.helpers import add_document, five_document_vendor, report_facts


def _vendor(session, settings):
    vendor = make_vendor(session, name="Formwright Ltd")
    facts = report_facts(utcnow().date() - timedelta(days=30))
    document = add_document(session, settings, vendor, facts=facts, filename="Formwright SOC 2.pdf")
    return vendor, document


def _error_beside(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="alert-inline" id="{field_id}-error">([^<]*)</p>', page)
    assert match is not None, f"no error beside {field_id}"
    return match.group(1)


def test_the_correction_page_holds_one_form_for_one_fact(client, session, settings):
    vendor, document = _vendor(session, settings)
    sign_in(client, make_user(session))
    review = client.get(f"/vendors/{vendor.id}/review").text
    link = f"/documents/{document.id}/facts/opinion/correct"
    assert f'href="http://testserver{link}"' in review or f'href="{link}"' in review
    page = client.get(link)
    assert page.status_code == 200
    assert len(re.findall(r"<form\b", page.text)) == 2  # the correction and signing out
    assert "Correct opinion" in page.text and "Formwright SOC 2.pdf" in page.text
    assert 'value="unqualified"' in page.text  # starts from what was read


def test_an_unknown_fact_has_no_correction_page(client, session, settings):
    _vendor_row, document = _vendor(session, settings)
    sign_in(client, make_user(session))
    assert client.get(f"/documents/{document.id}/facts/colour/correct").status_code == 404
    assert post_form(client, f"/documents/{document.id}/facts/colour", {}).status_code == 404


def test_a_refused_correction_keeps_the_input_and_says_why_beside_the_field(
    client, session, settings
):
    _vendor_row, document = _vendor(session, settings)
    sign_in(client, make_user(session))
    path = f"/documents/{document.id}/facts/exceptions_count"
    version = form_version(client, f"{path}/correct", action=path)
    data = {"value": "two", "reason": "Page 9 lists two.", "version": version}
    refused = post_form(client, path, data)
    assert refused.status_code == 422
    assert _error_beside(refused.text, "value") == "The number of exceptions is a whole number."
    assert 'value="two"' in refused.text and "Page 9 lists two.</textarea>" in refused.text
    no_reason = post_form(client, path, {"value": "2", "reason": "", "version": version})
    assert no_reason.status_code == 422
    assert "Say why the value is corrected" in _error_beside(no_reason.text, "reason")
    data["value"] = "2"
    done = post_form(client, path, data)
    assert done.status_code == 303
    assert done.headers["location"].endswith(
        f"?done=corrected&document={document.id}#document-{document.id}"
    )
    page = client.get(done.headers["location"]).text
    assert f'id="document-{document.id}" class="document" open' in page
    assert "Page 9 lists two." in page
    facts = session.exec(select(ReportFacts).where(ReportFacts.document_id == document.id)).one()
    assert facts.corrections["exceptions_count"]["value"] == 2


def test_an_override_out_of_range_is_refused_beside_the_field_with_the_reason_kept(
    client, session, settings
):
    vendor, _document = _vendor(session, settings)
    sign_in(client, make_user(session))
    version = form_version(client, f"/vendors/{vendor.id}/review")
    data = {"value": "150", "reason": "Known breach in May", "version": version}
    refused = post_form(client, f"/vendors/{vendor.id}/override", data)
    assert refused.status_code == 422
    assert _error_beside(refused.text, "override-value").startswith("Enter a score from 0 to 100")
    assert 'id="override" class="detail-block" open' in refused.text
    assert 'value="150"' in refused.text and "Known breach in May</textarea>" in refused.text
    assert "Input should be" not in refused.text
    assert scoring_service.latest_score(session, vendor.id).override_value is None


def test_an_override_from_a_stale_page_is_refused_with_the_input_kept(client, session, settings):
    vendor, _document = _vendor(session, settings)
    sign_in(client, make_user(session))
    seen = form_version(client, f"/vendors/{vendor.id}/review")
    first = {"value": "60", "reason": "First look", "version": seen}
    assert post_form(client, f"/vendors/{vendor.id}/override", first).status_code == 303
    second = {"value": "40", "reason": "Second look", "version": seen}
    refused = post_form(client, f"/vendors/{vendor.id}/override", second)
    assert refused.status_code == 409
    assert 'value="40"' in refused.text and "Second look</textarea>" in refused.text
    assert 'role="alert"' in refused.text


def test_a_conditional_approval_without_conditions_says_so_beside_each_field(
    client, session, settings
):
    vendor, _document = _vendor(session, settings)
    sign_in(client, make_user(session))
    data = {"outcome": "approved_with_conditions", "reason": "Exceptions in CC6"}
    refused = post_form(client, f"/vendors/{vendor.id}/decisions", data)
    assert refused.status_code == 422
    conditions = _error_beside(refused.text, "decision-conditions")
    assert conditions == "List the conditions of the approval."
    follow_up = _error_beside(refused.text, "decision-follow-up")
    assert follow_up == "Give a follow-up date for the conditions."
    assert "Exceptions in CC6</textarea>" in refused.text
    assert 'value="approved_with_conditions" required checked' in refused.text


def test_a_decision_without_an_outcome_or_reason_is_refused_in_plain_words(
    client, session, settings
):
    vendor, _document = _vendor(session, settings)
    sign_in(client, make_user(session))
    refused = post_form(client, f"/vendors/{vendor.id}/decisions", {"conditions": "Keep this"})
    assert refused.status_code == 422
    assert _error_beside(refused.text, "decision-outcome") == "Choose a decision."
    assert _error_beside(refused.text, "decision-reason").startswith("Write the reason")
    assert "Keep this</textarea>" in refused.text
    assert "Input should be" not in refused.text and "Field required" not in refused.text
    assert session.exec(select(Decision).where(Decision.vendor_id == vendor.id)).all() == []


def test_more_information_without_a_questionnaire_is_refused_beside_the_message(
    client, session, settings
):
    vendor, _document = _vendor(session, settings)
    sign_in(client, make_user(session))
    data = {"outcome": "more_information_requested", "reason": "r", "message": "Send Q1"}
    refused = post_form(client, f"/vendors/{vendor.id}/decisions", data)
    assert refused.status_code == 422
    assert "no submitted questionnaire" in _error_beside(refused.text, "decision-message")
    assert "Send Q1</textarea>" in refused.text


def test_a_recorded_decision_is_shown_in_the_summary(client, session, settings):
    vendor, _documents = five_document_vendor(session, settings)
    sign_in(client, make_user(session))
    data = {"outcome": "rejected", "reason": "Access exceptions unresolved"}
    done = post_form(client, f"/vendors/{vendor.id}/decisions", data)
    assert done.status_code == 303 and done.headers["location"].endswith("#decision")
    page = client.get(f"/vendors/{vendor.id}/review").text
    summary = page[: page.index('id="details"')]
    current = summary[summary.index('class="current-decision"') :][:600]
    assert "Rejected" in current and "Access exceptions unresolved" in current
    assert "Record a new decision" in summary
