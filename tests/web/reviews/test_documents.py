"""Opening confidential reports: roles, acknowledgement, integrity, headers and audit events."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.reports.storage import LocalStorage
from tests.factories import make_user, make_vendor, post_form, sign_in
from tests.web.reviews.helpers import CORPUS, add_document, report_facts


def _document(session, settings, filename="report.pdf"):
    vendor = make_vendor(session)
    facts = report_facts(utcnow().date() - timedelta(days=30))
    return add_document(session, settings, vendor, facts=facts, filename=filename)


def _acknowledge(client, next_path="/"):
    return post_form(client, "/documents/acknowledge", {"accept": "yes", "next": next_path})


def _events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_first_download_asks_for_the_restricted_use_acknowledgement(client, session, settings):
    document = _document(session, settings)
    sign_in(client, make_user(session))
    first = client.get(f"/documents/{document.id}/download", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith("/documents/acknowledge?next=")
    form = client.get(first.headers["location"])
    assert "restricted-use" in form.text
    assert post_form(client, "/documents/acknowledge", {"next": "/"}).status_code == 422
    done = _acknowledge(client, f"/documents/{document.id}/download")
    assert done.headers["location"] == f"/documents/{document.id}/download"
    assert client.get(f"/documents/{document.id}/download").status_code == 200
    assert len(_events(session, "document.restricted_use_acknowledged")) == 1


def test_a_download_is_an_attachment_with_safe_headers_and_is_audit_logged(
    client, session, settings
):
    document = _document(session, settings, filename="Q4 report\u202e.pdf")
    sign_in(client, make_user(session))
    _acknowledge(client)
    response = client.get(f"/documents/{document.id}/download")
    assert response.status_code == 200
    assert response.content == (CORPUS / "a01.pdf").read_bytes()
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "\u202e" not in disposition
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("sandbox")
    event = _events(session, "document.downloaded")[-1]
    assert event.data["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_a_stored_file_that_changed_is_not_served(client, session, settings):
    document = _document(session, settings)
    path = LocalStorage(settings.storage_dir)._final_path(document.storage_key)
    path.write_bytes(b"%PDF-1.4 tampered")
    sign_in(client, make_user(session))
    _acknowledge(client)
    response = client.get(f"/documents/{document.id}/download")
    assert response.status_code == 409
    assert b"tampered" not in response.content
    assert len(_events(session, "document.integrity_failed")) == 1
    assert _events(session, "document.downloaded") == []


def test_roles_outside_the_viewer_setting_cannot_open_reports(app, client, session, settings):
    document = _document(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    _acknowledge(client)
    assert client.get(f"/documents/{document.id}/download").status_code == 200
    app.state.settings = settings.model_copy(update={"report_viewer_roles": "admin"})
    assert client.get(f"/documents/{document.id}/download").status_code == 403
    assert client.get(f"/documents/{document.id}/evidence?page=1").status_code == 403


def test_procurement_and_auditors_can_never_open_reports(client, session, settings):
    document = _document(session, settings)
    for role in (Role.procurement, Role.auditor):
        sign_in(client, make_user(session, role=role))
        assert client.get(f"/documents/{document.id}/download").status_code == 403
        assert client.get(f"/documents/{document.id}/evidence?page=1").status_code == 403


def test_evidence_page_shows_the_page_text_with_the_quote_highlighted(client, session, settings):
    document = _document(session, settings)
    sign_in(client, make_user(session, role=Role.admin))
    _acknowledge(client)
    quote = "Controls (SOC) 2 Type 2 Report"
    page = client.get(f"/documents/{document.id}/evidence", params={"page": 1, "quote": quote})
    assert page.status_code == 200
    assert '<mark id="quote">' in page.text
    assert "Lumenary" in page.text
    event = _events(session, "document.viewed")[-1]
    assert event.data["page"] == 1 and event.data["sha256"] == document.sha256


def test_an_unknown_document_is_404(client, session):
    sign_in(client, make_user(session))
    assert client.get("/documents/999999/download").status_code == 404
