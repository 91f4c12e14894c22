"""Remediation forms keep what was typed, show each error beside its field and sum them up."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.core.db import utcnow
from app.remediation import service
from app.remediation.models import RemediationItem
from app.remediation.schemas import ItemForm
from tests.factories import form_version, make_user, make_vendor, post_form, sign_in


def _item(session, vendor, officer):
    form = ItemForm(
        required_change="Rotate the signing keys",
        owner_id=officer.id,
        due_on=utcnow().date() + timedelta(days=30),
    )
    return service.create_item(
        session, vendor_id=vendor.id, form=form, actor=f"user:{officer.id}", user_id=officer.id
    )


def test_a_new_item_without_a_due_date_keeps_owner_severity_and_words(client, session):
    vendor = make_vendor(session)
    officer = make_user(session, email="olive@example.com")
    sign_in(client, officer)
    response = post_form(client, f"/vendors/{vendor.id}/remediation", {
        "required_change": "Turn on MFA for support staff", "owner_id": officer.id,
        "severity": "high", "due_on": "",
    })  # fmt: skip
    assert response.status_code == 422
    page = response.text
    assert 'href="#due_on">Due date: Fill in this field.' in page  # the summary links to it
    assert 'id="due_on-error">Fill in this field.' in page
    assert 'aria-describedby="due_on-error"' in page
    assert f'<option value="{officer.id}" selected>olive@example.com</option>' in page
    assert '<option value="high" selected>High</option>' in page
    assert ">Turn on MFA for support staff</textarea>" in page
    assert session.exec(select(RemediationItem)).all() == []


def test_an_edit_that_empties_what_must_change_keeps_the_other_fields(client, session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    sign_in(client, officer)
    path = f"/remediation/{item.id}"
    version = form_version(client, path, action=path)
    due = (utcnow().date() + timedelta(days=9)).isoformat()
    response = post_form(client, path, {
        "version": version, "required_change": "", "owner_id": officer.id, "due_on": due,
        "severity": "low",
    })  # fmt: skip
    assert response.status_code == 422
    page = response.text
    assert 'id="edit-required_change-error">Fill in this field.' in page
    assert 'href="#edit-required_change">What must change: Fill in this field.' in page
    assert f'id="edit-due_on" name="due_on" type="date" value="{due}"' in page
    assert '<option value="low" selected>Low</option>' in page
    session.refresh(item)
    assert item.required_change == "Rotate the signing keys"


def test_an_acceptance_and_a_note_refused_show_their_errors_beside_their_fields(client, session):
    officer = make_user(session)
    item = _item(session, make_vendor(session), officer)
    sign_in(client, officer)
    path = f"/remediation/{item.id}"
    version = form_version(client, path, action="/accept")
    refused = post_form(client, f"{path}/accept", {
        "version": version, "reason": "Compensating control in place", "accepted_until": "",
    })  # fmt: skip
    assert refused.status_code == 422
    assert 'id="accept-accepted_until-error">Fill in this field.' in refused.text
    assert ">Compensating control in place</textarea>" in refused.text
    assert 'href="#accept-accepted_until">Accepted until: Fill in this field.' in refused.text
    note = post_form(client, f"{path}/notes", {"text": "  "})
    assert note.status_code == 422
    assert 'id="note-text-error">Fill in this field.' in note.text
