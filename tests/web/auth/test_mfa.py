"""TOTP second factor: enrolment with a local QR code, sign-in with a code or a recovery code,
required for admins when configured, reset by another admin (audited)."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import text

from app.auth.models import Role
from tests.factories import TEST_PASSWORD, csrf_token, make_user, post_form, sign_in


def _enrol(client, session, user) -> tuple[str, list[str]]:
    sign_in(client, user)
    page = client.get("/account/mfa")
    assert page.status_code == 200
    assert "<svg" in page.text  # the QR code is drawn in the page, by this server
    secret = re.search(r"Key: <code>([A-Z2-7]+)</code>", page.text).group(1)
    code = pyotp.TOTP(secret).now()
    done = post_form(client, "/account/mfa", {"code": code})
    assert done.status_code == 200
    session.refresh(user)
    assert user.has_second_factor
    return secret, re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.text)


def _password_step(client, user):
    response = post_form(client, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login/mfa")


def _code_step(client, code: str):
    fields = {"code": code, "csrf_token": csrf_token(client, "/login/mfa")}
    return client.post("/login/mfa", data=fields, follow_redirects=False)


def test_with_a_second_factor_the_password_alone_does_not_sign_in(client, session):
    user = make_user(session)
    secret, recovery = _enrol(client, session, user)
    assert len(recovery) == 10
    client.cookies.clear()

    _password_step(client, user)
    assert client.get("/vendors", follow_redirects=False).status_code == 303  # not signed in
    assert _code_step(client, "000000").status_code == 401
    code = pyotp.TOTP(secret).at(time.time() + 30)  # a step ahead: not used yet
    assert _code_step(client, code).status_code == 303
    assert client.get("/vendors").status_code == 200

    client.cookies.clear()
    _password_step(client, user)
    assert _code_step(client, code).status_code == 401  # the same code never works twice
    assert _code_step(client, recovery[0]).status_code == 303
    client.cookies.clear()
    _password_step(client, user)
    assert _code_step(client, recovery[0]).status_code == 401  # nor a recovery code


def test_admins_must_enrol_when_the_setting_says_so(client, session, settings):
    settings.require_mfa_for_admins = True
    admin = make_user(session, role=Role.admin)
    sign_in(client, admin)
    response = client.get("/vendors", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/mfa"
    assert "Admins must set up a second factor" in client.get("/account/mfa").text


def test_the_database_holds_the_secret_only_sealed_and_sign_in_still_works(client, session):
    user = make_user(session)
    secret, _recovery = _enrol(client, session, user)
    client.cookies.clear()

    row = session.connection().execute(
        text("SELECT * FROM staff_user WHERE id = :id"), {"id": user.id}
    )
    stored = row.mappings().one()
    assert stored["totp_secret_sealed"].startswith("v1$")
    assert all(secret not in str(value) for value in stored.values())

    _password_step(client, user)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert _code_step(client, code).status_code == 303
    assert client.get("/vendors").status_code == 200
