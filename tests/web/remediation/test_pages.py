"""Remediation pages: from a finding to an item, the vendor's answer through the portal, closing."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.remediation import service
from app.remediation.domain.rules import RemediationChange, RemediationStatus
from app.remediation.models import RemediationItem
from app.remediation.schemas import ItemForm
from app.reports.models import Document
from app.scoring import service as scoring_service
from app.vendors.models import Vendor
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request
from tests.soc2_reports import build_soc2_type2
from tests.web.reviews.helpers import add_document, report_facts


def _item(session, vendor, officer, *, due_in_days=30, text="Rotate the backup encryption keys"):
    form = ItemForm(
        required_change=text,
        owner_id=officer.id,
        due_on=utcnow().date() + timedelta(days=due_in_days),
    )
    return service.create_item(
        session, vendor_id=vendor.id, form=form, actor=f"user:{officer.id}", user_id=officer.id
    )


def test_a_finding_on_the_review_page_becomes_an_item(client, session, settings):
    vendor = make_vendor(session, name="Lapsed Co")
    add_document(
        session, settings, vendor, facts=report_facts(utcnow().date() - timedelta(days=500))
    )
    finding = scoring_service.latest_score(session, vendor.id).findings[0]
    officer = make_user(session)
    sign_in(client, officer)
    review = html.unescape(client.get(f"/vendors/{vendor.id}/review").text)
    assert "Track as a remediation item" in review
    assert f"finding={finding['code']}" in review

    new = client.get(
        f"/vendors/{vendor.id}/remediation/new",
        params={"finding": finding["code"], "ref": finding["message"], "severity": "high"},
    )
    assert new.status_code == 200 and finding["message"] in html.unescape(new.text)
    due = (utcnow().date() + timedelta(days=45)).isoformat()
    created = post_form(client, f"/vendors/{vendor.id}/remediation", {
        "required_change": "Send a current SOC 2 Type 2 report", "owner_id": officer.id,
        "due_on": due, "severity": "high", "finding_code": finding["code"],
        "finding_ref": finding["message"],
    })  # fmt: skip
    assert created.status_code == 303
    item = session.exec(select(RemediationItem).where(RemediationItem.vendor_id == vendor.id)).one()
    assert (item.finding_code, item.due_on.isoformat(), item.owner_id) == (
        finding["code"], due, officer.id,
    )  # fmt: skip
    page = client.get(created.headers["location"]).text
    assert "Item created." in page and "Send a current SOC 2 Type 2 report" in page
    listed = client.get(f"/vendors/{vendor.id}/remediation").text
    assert "Send a current SOC 2 Type 2 report" in listed


def test_the_form_keeps_what_was_typed_and_says_what_is_missing(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session))
    response = post_form(client, f"/vendors/{vendor.id}/remediation", {
        "required_change": "Turn on MFA for support staff", "severity": "low",
    })  # fmt: skip
    assert response.status_code == 422
    assert "Turn on MFA for support staff" in response.text
    assert 'id="due_on-error"' in response.text
    assert session.exec(select(RemediationItem)).all() == []


def test_procurement_reads_items_but_cannot_raise_them(client, session):
    vendor = make_vendor(session)
    _item(session, vendor, make_user(session))
    sign_in(client, make_user(session, role=Role.procurement))
    assert "Rotate the backup" in client.get(f"/vendors/{vendor.id}/remediation").text
    refused = post_form(client, f"/vendors/{vendor.id}/remediation", {
        "required_change": "x", "due_on": "2030-01-01",
    })  # fmt: skip
    assert refused.status_code == 403


def test_an_edit_from_a_stale_page_is_refused_and_the_current_item_shown(client, session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    sign_in(client, officer)
    path = f"/remediation/{item.id}"
    stale = form_version(client, path, action=path)
    service.edit_item(
        session, item, form=ItemForm(required_change="Rotate keys yearly", owner_id=officer.id,
                                     due_on=item.due_on),
        expected_version=item.version, actor="user:1", user_id=officer.id,
    )  # fmt: skip
    response = post_form(client, path, {
        "version": stale, "required_change": "Rotate keys monthly", "owner_id": officer.id,
        "due_on": item.due_on.isoformat(), "severity": "medium",
    })  # fmt: skip
    assert response.status_code == 409
    assert "Someone else changed this remediation item" in response.text
    session.refresh(item)
    assert item.required_change == "Rotate keys yearly"


def test_accepting_a_risk_needs_a_reason_and_a_later_date(client, session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    sign_in(client, officer)
    version = form_version(client, f"/remediation/{item.id}", action="/accept")
    today = utcnow().date().isoformat()
    refused = post_form(client, f"/remediation/{item.id}/accept", {
        "version": version, "reason": "Backups are offline", "accepted_until": today,
    })  # fmt: skip
    assert refused.status_code == 422
    assert "A risk is accepted until a date after today." in refused.text
    assert "Backups are offline" in refused.text
    until = (utcnow().date() + timedelta(days=90)).isoformat()
    accepted = post_form(client, f"/remediation/{item.id}/accept", {
        "version": version, "reason": "Backups are offline", "accepted_until": until,
    })  # fmt: skip
    assert accepted.status_code == 303
    session.refresh(item)
    assert (item.status, item.accepted_by_id) == (RemediationStatus.accepted_as_risk, officer.id)
    assert "then the item reopens by itself" in client.get(f"/remediation/{item.id}").text


def test_the_vendor_answers_through_its_link_and_the_officer_closes(client, session, settings):
    request, token = send_request(session, settings, name="Northwind Backup")
    vendor_id = request.vendor_id
    officer = make_user(session)
    item = _item(session, make_vendor(session, name="Other Co"), officer, text="Not yours")
    mine = _item(session, session.get(Vendor, vendor_id), officer)
    open_portal(client, token)
    listing = client.get("/portal/remediation")
    assert listing.status_code == 200
    assert "Rotate the backup encryption keys" in listing.text and "Not yours" not in listing.text

    empty = client.post(
        f"/portal/remediation/{mine.id}/answer",
        data={"csrf_token": portal_token(client), "text": "  "},
    )
    assert empty.status_code == 422 and "Write what was changed" in empty.text

    pdf = build_soc2_type2(
        "Northwind Backup, Inc.", period_end=utcnow().date() - timedelta(days=40)
    )
    answered = client.post(
        f"/portal/remediation/{mine.id}/answer",
        data={"csrf_token": portal_token(client), "text": "Keys now rotate every 90 days."},
        files={"file": ("key-rotation.pdf", pdf, "application/pdf")},
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text
    session.refresh(mine)
    assert mine.status is RemediationStatus.in_review
    document = session.exec(select(Document).where(Document.vendor_id == vendor_id)).one()
    assert document.filename == "key-rotation.pdf"
    again = client.post(
        f"/portal/remediation/{item.id}/answer",
        data={"csrf_token": portal_token(client), "text": "Trying another vendor's item"},
    )
    assert again.status_code == 404

    sign_in(client, officer)
    page = client.get(f"/remediation/{mine.id}").text
    assert "Keys now rotate every 90 days." in page and "key-rotation.pdf" in page
    version = form_version(client, f"/remediation/{mine.id}", action="/changes/close")
    closed = post_form(client, f"/remediation/{mine.id}/changes/close", {
        "version": version, "text": "Checked the rotation log.",
    })  # fmt: skip
    assert closed.status_code == 303
    session.refresh(mine)
    assert mine.status is RemediationStatus.closed
    actions = session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "remediation_item", AuditEvent.subject_id == str(mine.id))
        .order_by(col(AuditEvent.sequence))
    ).all()
    assert actions == ["remediation.created", "remediation.answered", "remediation.closed"]


def test_dashboard_shows_and_filters_vendors_with_overdue_remediation(client, session):
    officer = make_user(session)
    late = make_vendor(session, name="Late Fixes Co")
    on_time = make_vendor(session, name="On Time Co")
    _item(session, late, officer, due_in_days=-3)
    _item(session, on_time, officer, due_in_days=10)
    done = _item(session, on_time, officer, due_in_days=-10)
    service.change_status(
        session, done, change=RemediationChange.close, expected_version=done.version,
        actor="user:1",
    )  # fmt: skip
    sign_in(client, officer)
    everyone = client.get("/").text
    assert "Remediation" in everyone and "1 overdue" in everyone
    overdue = client.get("/?overdue_remediation=1").text
    assert "Late Fixes Co" in overdue and "On Time Co" not in overdue
    assert "Late Fixes Co" in client.get("/remediation?status=overdue").text


def test_approving_with_conditions_raises_one_item_per_condition(client, session):
    vendor = make_vendor(session, name="Conditional Co")
    officer = make_user(session)
    sign_in(client, officer)
    follow_up = (utcnow().date() + timedelta(days=60)).isoformat()
    decided = post_form(client, f"/vendors/{vendor.id}/decisions", {
        "outcome": "approved_with_conditions", "reason": "Good enough for now",
        "conditions": "1. Enable SSO for our tenant\n2. Share the 2027 penetration test",
        "follow_up_on": follow_up,
    })  # fmt: skip
    assert decided.status_code == 303
    listed = client.get(f"/vendors/{vendor.id}/remediation").text
    assert "Enable SSO for our tenant" in listed and "Share the 2027 penetration test" in listed
    items = session.exec(
        select(RemediationItem).where(RemediationItem.vendor_id == vendor.id)
    ).all()
    assert {(i.due_on.isoformat(), i.owner_id) for i in items} == {(follow_up, officer.id)}
    assert all(i.decision_id is not None for i in items)


def test_sending_back_needs_a_note_and_keeps_the_others_untouched(client, session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    service.change_status(
        session, item, change=RemediationChange.vendor_answer, expected_version=item.version,
        actor="vendor:request:1", text="Done.",
    )  # fmt: skip
    sign_in(client, officer)
    version = form_version(client, f"/remediation/{item.id}", action="/changes/send_back")
    refused = post_form(
        client, f"/remediation/{item.id}/changes/send_back", {"version": version, "text": ""}
    )
    assert refused.status_code == 422
    assert 'id="send_back-text-error"' in refused.text
    session.refresh(item)
    assert item.status is RemediationStatus.in_review


def test_evidence_that_is_not_a_pdf_is_refused_beside_the_file_and_the_words_kept(
    client, session, settings
):
    request, token = send_request(session, settings, name="Fabrikam")
    item = _item(session, session.get(Vendor, request.vendor_id), make_user(session))
    open_portal(client, token)
    refused = client.post(
        f"/portal/remediation/{item.id}/answer",
        data={"csrf_token": portal_token(client), "text": "We enabled disk encryption."},
        files={"file": ("evidence.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert refused.status_code == 422
    assert f'id="file-{item.id}-error"' in refused.text
    assert "We enabled disk encryption." in refused.text
    session.refresh(item)
    assert item.status is RemediationStatus.open
    assert session.exec(select(Document).where(Document.vendor_id == request.vendor_id)).all() == []
