"""Administrators invite people, change roles, disable, re-enable and reset, in the browser;
everyone changes their own password. Every change is in the audit log."""

from __future__ import annotations

import re

from sqlmodel import col, select

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.auth import service as auth_service
from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.mail.models import OutgoingMail
from tests.factories import TEST_PASSWORD, make_user, post_form, sign_in
from tests.form_pages import error_summary, read_field

LINK = re.compile(r"https?://[^\s)\"<]+/welcome/(dlg_s_[A-Za-z0-9_-]+)")
NEW_PASSWORD = "marmalade tractor overcoat"


def _actions(session, user: User) -> list[str]:
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))
        .order_by(col(AuditEvent.id))
    ).all()
    return [row.action for row in rows]


def _last_link(session) -> str:
    mail = session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id).desc())).first()
    assert mail is not None
    match = LINK.search(mail.text_body)
    assert match is not None, mail.text_body
    return match.group(1)


def test_an_invited_person_sets_a_password_and_signs_in(client, session):
    admin = make_user(session, role=Role.admin)
    sign_in(client, admin)
    page = post_form(
        client,
        "/admin/users",
        {"email": "Sam@Acme.example", "full_name": "Sam Reed", "role": "risk_officer"},
    )
    assert page.status_code == 200
    assert "Invitation sent." in page.text and "/welcome/dlg_s_" in page.text
    sam = auth_service.get_user_by_email(session, "sam@acme.example")
    assert sam is not None and sam.role is Role.risk_officer and sam.password_hash is None
    assert "Invited, no password yet" in client.get("/admin/users").text
    mail = session.exec(select(OutgoingMail).where(OutgoingMail.to == "sam@acme.example")).one()
    assert "Buyer Ltd" in mail.subject and "as risk officer" in mail.text_body
    token = _last_link(session)

    client.cookies.clear()
    form = client.get(f"/welcome/{token}")
    assert form.status_code == 200 and "sam@acme.example" in form.text
    done = post_form(
        client, f"/welcome/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 303 and "password_set" in done.headers["location"]
    sign_in(client, sam, NEW_PASSWORD)
    # The link works once.
    assert client.get(f"/welcome/{token}").status_code == 410
    assert _actions(session, sam) == [
        AuditAction.user_invited,
        AuditAction.user_password_link_issued,
        AuditAction.user_password_reset,
        AuditAction.user_password_link_used,
        AuditAction.user_signed_in,
    ]


def test_a_bad_invitation_keeps_the_input_and_says_why_beside_the_field(client, session):
    taken = make_user(session, role=Role.procurement)
    sign_in(client, make_user(session, role=Role.admin))
    page = post_form(
        client, "/admin/users", {"email": "not-an-address", "full_name": "Kim", "role": "auditor"}
    )
    assert page.status_code == 422
    assert 'id="email-error"' in page.text and "Enter the person" in page.text
    assert 'value="not-an-address"' in page.text and 'value="Kim"' in page.text
    assert '<option value="auditor" selected>' in page.text
    page = post_form(
        client, "/admin/users", {"email": taken.email, "full_name": "", "role": "auditor"}
    )
    assert page.status_code == 422 and "already has an account" in page.text
    assert auth_service.count_users(session) == 2


def test_a_weak_password_on_the_link_is_refused_beside_the_field(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    post_form(client, "/admin/users", {"email": "lee@acme.example", "role": "procurement"})
    token = _last_link(session)
    client.cookies.clear()
    page = post_form(client, f"/welcome/{token}", {"password": "short", "confirm": "short"})
    assert page.status_code == 422
    assert 'id="password-error"' in page.text and "at least 12 characters" in page.text
    page = post_form(
        client, f"/welcome/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}
    )
    assert 'id="confirm-error"' in page.text and "not the same" in page.text
    assert auth_service.get_user_by_email(session, "lee@acme.example").password_hash is None


def test_admin_changes_a_role_disables_and_enables(client, session):
    admin = make_user(session, role=Role.admin)
    pat = make_user(session, role=Role.procurement)
    sign_in(client, admin)
    assert post_form(client, f"/admin/users/{pat.id}/role", {"role": "auditor"}).status_code == 303
    assert pat.role is Role.auditor
    assert post_form(client, f"/admin/users/{pat.id}/disable").status_code == 303
    assert pat.is_active is False
    assert "Disabled" in client.get("/admin/users").text
    assert post_form(client, f"/admin/users/{pat.id}/enable").status_code == 303
    assert pat.is_active is True
    actions = _actions(session, pat)
    for action in (
        AuditAction.user_role_changed,
        AuditAction.user_disabled,
        AuditAction.user_enabled,
    ):
        assert action in actions
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.user_enabled)
    ).all()
    assert [event.actor for event in events] == [f"user:{admin.id}"]


def test_the_last_administrator_cannot_be_disabled_or_demoted(client, session):
    admin = make_user(session, role=Role.admin)
    sign_in(client, admin)
    assert post_form(client, f"/admin/users/{admin.id}/disable").status_code == 409
    assert (
        post_form(client, f"/admin/users/{admin.id}/role", {"role": "auditor"}).status_code == 409
    )
    assert admin.is_active and admin.role is Role.admin


def test_a_reset_link_sets_a_new_password_and_older_links_stop_working(client, session):
    kim = make_user(session, role=Role.procurement)
    sign_in(client, make_user(session, role=Role.admin))
    post_form(client, f"/admin/users/{kim.id}/reset")
    first = _last_link(session)
    page = post_form(client, f"/admin/users/{kim.id}/reset")
    assert "A link to choose a new password was sent." in page.text
    second = _last_link(session)
    client.cookies.clear()
    assert client.get(f"/welcome/{first}").status_code == 410
    assert "replaced by a newer one" in client.get(f"/welcome/{first}").text
    post_form(client, f"/welcome/{second}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    sign_in(client, kim, NEW_PASSWORD)


def test_only_administrators_manage_people(client, session):
    other = make_user(session, role=Role.procurement)
    sign_in(client, make_user(session, role=Role.risk_officer))
    assert client.get("/admin/users").status_code == 403
    assert post_form(client, f"/admin/users/{other.id}/disable").status_code == 403
    assert post_form(client, "/admin/users", {"email": "x@acme.example"}).status_code == 403
    assert other.is_active


def test_everyone_changes_their_own_password(client, session):
    auditor = make_user(session, role=Role.auditor)
    sign_in(client, auditor)
    assert "Change password" in client.get("/vendors").text
    response = post_form(
        client,
        "/account/password",
        {"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    # This browser stays signed in.
    assert "Your password was changed" in client.get(response.headers["location"]).text
    assert AuditAction.user_password_changed in _actions(session, auditor)
    client.cookies.clear()
    sign_in(client, auditor, NEW_PASSWORD)


def test_a_wrong_current_password_or_a_weak_one_is_refused_beside_the_field(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    page = post_form(
        client,
        "/account/password",
        {"current": "wrong password here", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert page.status_code == 422
    assert 'id="current-error"' in page.text and "current password is not correct" in page.text
    page = post_form(
        client,
        "/account/password",
        {"current": TEST_PASSWORD, "password": "password1234567", "confirm": "password1234567"},
    )
    assert page.status_code == 422
    assert 'id="password-error"' in page.text and "too common" in page.text
    client.cookies.clear()
    sign_in(client, user)  # the old password still works


def test_every_problem_of_a_password_change_is_shown_at_once_beside_its_field(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    typed = {"current": "wrong password Qx7", "password": "tiny Zq9", "confirm": "tiny Zr8"}
    page = post_form(client, "/account/password", typed)
    assert page.status_code == 422
    current = read_field(page.text, "current")
    assert current.is_invalid and current.error == "The current password is not correct."
    password = read_field(page.text, "password")
    assert password.is_invalid
    assert password.error == "The password must have at least 12 characters."
    confirm = read_field(page.text, "confirm")
    assert confirm.is_invalid and confirm.error == "The two passwords are not the same."
    summary = error_summary(page.text)
    assert summary.startswith("Please correct these 3 things:")
    # Passwords are never written back into the page.
    for secret in typed.values():
        assert secret not in page.text
    assert (current.value, password.value, confirm.value) == ("", "", "")
    # Nothing changed, and nothing was recorded as a change.
    assert AuditAction.user_password_changed not in _actions(session, user)
    client.cookies.clear()
    sign_in(client, user)


def test_a_wrong_current_password_and_a_mismatched_confirmation_are_both_reported(client, session):
    user = make_user(session, role=Role.auditor)
    sign_in(client, user)
    page = post_form(
        client,
        "/account/password",
        {"current": "wrong password here", "password": NEW_PASSWORD, "confirm": "other words"},
    )
    assert page.status_code == 422
    assert read_field(page.text, "current").error == "The current password is not correct."
    assert read_field(page.text, "password").error is None
    assert read_field(page.text, "confirm").error == "The two passwords are not the same."


def test_a_set_password_link_reports_a_weak_password_and_a_mismatch_together(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    post_form(client, "/admin/users", {"email": "kim@acme.example", "role": "auditor"})
    token = _last_link(session)
    client.cookies.clear()
    page = post_form(client, f"/welcome/{token}", {"password": "short", "confirm": "other"})
    assert page.status_code == 422
    assert read_field(page.text, "password").error == (
        "The password must have at least 12 characters."
    )
    assert read_field(page.text, "confirm").error == "The two passwords are not the same."


def test_a_wrong_current_password_is_audit_logged_and_guesses_are_limited(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    guess = {"current": "a guess at it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    statuses = [post_form(client, "/account/password", guess).status_code for _ in range(10)]
    assert statuses == [422] * 10
    refused = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.user_password_change_refused,
            AuditEvent.subject_id == str(user.id),
        )
    ).all()
    assert len(refused) == 10
    # Even the right password waits: a stolen session cannot guess on at leisure.
    right = {"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    blocked = post_form(client, "/account/password", right)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    session.refresh(user)
    assert verify_password(user.password_hash, TEST_PASSWORD)
