"""Documents, facts, corrections, downloads, scores and decisions over the API."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from tests.api.helpers import API, assert_error, caller
from tests.factories import make_vendor
from tests.web.reviews.helpers import CORPUS, add_document, report_facts


def _reviewed_vendor(session, settings):
    vendor = make_vendor(session)
    document = add_document(session, settings, vendor, facts=report_facts(date(2025, 12, 31)))
    return vendor, document


def test_an_uploaded_report_is_read_and_a_second_copy_is_a_duplicate(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor = make_vendor(session)
    url = f"{API}/vendors/{vendor.id}/documents"
    pdf = (CORPUS / "a01.pdf").read_bytes()
    first = client.post(url, files={"file": ("a01.pdf", pdf, "application/pdf")}, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["document"]["uploaded_via"] == "api"
    again = client.post(url, files={"file": ("a01.pdf", pdf, "application/pdf")}, headers=headers)
    assert again.status_code == 200
    assert again.json()["is_duplicate"] is True


def test_a_file_that_is_not_a_document_is_refused(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor = make_vendor(session)
    url = f"{API}/vendors/{vendor.id}/documents"
    bad = client.post(
        url, files={"file": ("x.pdf", b"MZ\x90\x00", "application/pdf")}, headers=headers
    )
    assert_error(bad, 422)


def test_facts_show_extracted_corrected_and_effective_values(client, session, settings):
    vendor, document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    correction = {"field": "exceptions_count", "value": "2", "reason": "Page 40 lists two"}
    fixed = client.post(
        f"{API}/documents/{document.id}/corrections", json=correction, headers=headers
    )
    assert fixed.status_code == 200, fixed.text
    facts = client.get(f"{API}/documents/{document.id}/facts", headers=headers).json()
    assert facts["extracted"]["exceptions_count"] == 0
    assert facts["effective"]["exceptions_count"] == 2
    assert facts["corrections"]["exceptions_count"]["reason"] == "Page 40 lists two"
    listed = client.get(f"{API}/vendors/{vendor.id}/documents", headers=headers).json()
    assert [d["id"] for d in listed["items"]] == [document.id]


def test_procurement_cannot_read_facts_or_correct_them(client, session, settings):
    _vendor, document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.procurement)
    assert_error(client.get(f"{API}/documents/{document.id}/facts", headers=headers), 403)
    body = {"field": "opinion", "value": "qualified", "reason": "r"}
    assert_error(
        client.post(f"{API}/documents/{document.id}/corrections", json=body, headers=headers), 403
    )


def test_download_needs_the_terms_accepted_and_is_audit_logged(client, session, settings):
    _vendor, document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    url = f"{API}/documents/{document.id}/download"
    assert_error(client.get(url, headers=headers), 403, "acknowledgement_required")
    client.post(f"{API}/documents/acknowledgement", headers=headers)
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.content == (CORPUS / "a01.pdf").read_bytes()
    assert response.headers["content-disposition"].startswith("attachment")
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "document.downloaded")
    ).all()
    assert [e.subject_id for e in events] == [str(document.id)]


def test_auditors_cannot_download_reports(client, session, settings):
    _vendor, document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.auditor)
    assert_error(client.get(f"{API}/documents/{document.id}/download", headers=headers), 403)


def test_score_history_and_explanation(client, session, settings):
    vendor, _document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.auditor)
    current = client.get(f"{API}/vendors/{vendor.id}/score", headers=headers)
    assert current.status_code == 200, current.text
    explained = client.get(f"{API}/vendors/{vendor.id}/score/explanation", headers=headers).json()
    assert explained["score"]["id"] == current.json()["id"]
    assert explained["factors"] and all("reason_code" in f for f in explained["factors"])
    history = client.get(f"{API}/vendors/{vendor.id}/scores", headers=headers).json()
    assert history["items"][0]["id"] == current.json()["id"]


def test_an_unscored_vendor_has_no_current_score(client, session):
    _user, headers = caller(session, Role.auditor)
    vendor = make_vendor(session)
    assert_error(client.get(f"{API}/vendors/{vendor.id}/score", headers=headers), 404)


def test_a_decision_is_recorded_and_listed(client, session, settings):
    vendor, _document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    body = {"outcome": "approved", "reason": "Clean SOC 2 Type 2"}
    made = client.post(f"{API}/vendors/{vendor.id}/decisions", json=body, headers=headers)
    assert made.status_code == 201, made.text
    listed = client.get(f"{API}/vendors/{vendor.id}/decisions", headers=headers).json()
    assert [d["outcome"] for d in listed["items"]] == ["approved"]


def test_a_conditional_approval_needs_its_conditions(client, session, settings):
    vendor, _document = _reviewed_vendor(session, settings)
    _user, headers = caller(session, Role.risk_officer)
    body = {"outcome": "approved_with_conditions", "reason": "ok"}
    made = client.post(f"{API}/vendors/{vendor.id}/decisions", json=body, headers=headers)
    assert_error(made, 422, "invalid_input")


def test_procurement_cannot_decide(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor = make_vendor(session)
    body = {"outcome": "approved", "reason": "x"}
    made = client.post(f"{API}/vendors/{vendor.id}/decisions", json=body, headers=headers)
    assert_error(made, 403)
