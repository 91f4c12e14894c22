"""An administrator resets another person's lost second factor from the people page: asked to
confirm, recorded in the audit log (who reset whose), the person is told by mail, signed out
and must set up a new factor; nobody resets their own this way."""

from __future__ import annotations

import time

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth import mfa
from app.auth.models import Role, User
from app.core.keys import encryption_keys
from app.mail.models import OutgoingMail
from tests.factories import TEST_PASSWORD, csrf_token, make_user, post_form


def _enrol(session, settings, user: User) -> str:
    keys = encryption_keys(settings)
    secret = mfa.start_enrolment(session, user, keys)
    mfa.confirm_enrolment(session, user, pyotp.TOTP(secret).now(), keys=keys, now=time.time())
    return secret


def _sign_in_with_code(client: TestClient, user: User, secret: str) -> None:
    response = post_form(client, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["location"].startswith("/login/mfa")
    code = pyotp.TOTP(secret).at(time.time() + 30)  # a step ahead: never used by enrolment
    fields = {"code": code, "csrf_token": csrf_token(client, "/login/mfa")}
    assert client.post("/login/mfa", data=fields, follow_redirects=False).status_code == 303


def test_an_admin_resets_another_admins_lost_factor_after_confirming(
    app, client, session, settings
):
    settings.require_mfa_for_admins = True
    admin = make_user(session, role=Role.admin, email="ada@buyer.example")
    other = make_user(session, role=Role.admin, email="lost.phone@buyer.example")
    _sign_in_with_code(client, admin, _enrol(session, settings, admin))
    with TestClient(app) as their_browser:
        _sign_in_with_code(their_browser, other, _enrol(session, settings, other))
        assert their_browser.get("/vendors").status_code == 200

        people = client.get("/admin/users").text
        assert f"/admin/users/{other.id}/second-factor" in people
        assert f"/admin/users/{admin.id}/second-factor" not in people  # not for oneself
        confirm = client.get(f"/admin/users/{other.id}/second-factor")
        assert confirm.status_code == 200
        assert "Reset the second factor of lost.phone@buyer.example?" in confirm.text
        assert other.has_second_factor  # looking at the question changes nothing

        done = post_form(client, f"/admin/users/{other.id}/second-factor")
        assert done.status_code == 303
        assert "Second factor reset" in client.get(done.headers["location"]).text
        session.refresh(other)
        assert not other.has_second_factor and other.totp_secret_sealed is None
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "user.mfa_reset"))
        assert event.actor == f"user:{admin.id}" and event.subject_id == str(other.id)
        assert event.data["reset_by"] == admin.email and event.data["sessions_ended"] == 1
        told = session.exec(select(OutgoingMail).where(OutgoingMail.to == other.email)).one()
        assert "second factor of your Diligence account was reset" in told.subject
        assert admin.email in told.text_body and "did not ask for this" in told.text_body

        # Their browser is signed out; the password alone signs in, then a new factor first.
        assert their_browser.get("/vendors", follow_redirects=False).status_code == 303
        signed_in = post_form(
            their_browser, "/login", {"email": other.email, "password": TEST_PASSWORD}
        )
        assert signed_in.status_code == 303
        assert not signed_in.headers["location"].startswith("/login/mfa")
        page = their_browser.get("/vendors", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/account/mfa"


def test_an_admin_cannot_reset_their_own_factor_from_the_people_page(client, session, settings):
    admin = make_user(session, role=Role.admin)
    _sign_in_with_code(client, admin, _enrol(session, settings, admin))

    assert client.get(f"/admin/users/{admin.id}/second-factor").status_code == 403
    refused = post_form(client, f"/admin/users/{admin.id}/second-factor")
    assert refused.status_code == 403
    assert "Another admin must reset your second factor" in refused.text
    session.refresh(admin)
    assert admin.has_second_factor


def test_only_admins_reset_and_only_a_factor_that_exists(client, session, settings):
    officer = make_user(session, role=Role.risk_officer)
    enrolled = make_user(session, role=Role.procurement)
    _enrol(session, settings, enrolled)
    _sign_in_with_code(client, officer, _enrol(session, settings, officer))
    assert post_form(client, f"/admin/users/{enrolled.id}/second-factor").status_code == 403
    session.refresh(enrolled)
    assert enrolled.has_second_factor

    client.cookies.clear()
    admin = make_user(session, role=Role.admin)
    plain = make_user(session, role=Role.procurement)
    _sign_in_with_code(client, admin, _enrol(session, settings, admin))
    nothing = client.get(f"/admin/users/{plain.id}/second-factor")
    assert nothing.status_code == 409
    assert "has no second factor set up" in nothing.text
