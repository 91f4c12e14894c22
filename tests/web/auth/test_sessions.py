"""Server-side sessions: revocable, rotated at sign-in, idle and absolute timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth import service as auth_service
from app.auth.deps import SECURE_SESSION_COOKIE, SESSION_COOKIE
from app.auth.errors import WeakPassword
from app.auth.models import Role, StaffSession
from app.core.config import Environment, Settings
from app.core.db import get_session, utcnow
from app.main import create_app
from tests.factories import TEST_PASSWORD, csrf_token, make_user, post_form, sign_in


def _live_row(session, user):
    return session.exec(
        select(StaffSession).where(StaffSession.user_id == user.id, StaffSession.revoked_at == None)  # noqa: E711
    ).one()


def test_signing_in_again_issues_a_new_id_and_retires_the_old_one(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    first = client.cookies.get(SESSION_COOKIE)
    sign_in(client, user)
    second = client.cookies.get(SESSION_COOKIE)
    assert first != second
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, first)
    assert client.get("/vendors", follow_redirects=False).status_code == 303


def test_only_a_hash_of_the_session_id_is_stored(client, session):
    user = make_user(session)
    sign_in(client, user)
    cookie = client.cookies.get(SESSION_COOKIE)
    assert len(cookie) >= 43
    assert _live_row(session, user).token_hash != cookie


def test_a_copied_cookie_stops_working_when_the_account_is_disabled(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    copied = client.cookies.get(SESSION_COOKIE)
    assert client.get("/vendors").status_code == 200
    auth_service.disable_user(session, email=user.email, actor="user:1")
    client.cookies.set(SESSION_COOKIE, copied)
    assert client.get("/vendors", follow_redirects=False).status_code == 303
    response = post_form(client, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401


def test_an_idle_session_expires_after_thirty_minutes(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    row = _live_row(session, user)
    row.last_seen_at = utcnow() - timedelta(minutes=29)
    session.add(row)
    assert client.get("/vendors").status_code == 200
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    session.add(row)
    assert client.get("/vendors", follow_redirects=False).status_code == 303


def test_a_session_ends_at_its_absolute_limit_however_active(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    row = _live_row(session, user)
    assert row.expires_at - row.created_at == timedelta(hours=12)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    assert client.get("/vendors", follow_redirects=False).status_code == 303


def test_under_https_the_cookie_is_host_prefixed_and_secure(session, database_url):
    settings = Settings(
        env=Environment.test, database_url=database_url, base_url="https://diligence.example"
    )
    user = make_user(session)
    app = create_app(settings)

    def _test_session():
        yield session

    app.dependency_overrides[get_session] = _test_session
    with TestClient(app, base_url="https://testserver") as browser:
        page = browser.get("/login")
        assert "__Host-dlg_csrf" in page.headers["set-cookie"]
        fields = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(browser)}
        response = browser.post("/login", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    cookie = next(c for c in response.headers.get_list("set-cookie") if SECURE_SESSION_COOKIE in c)
    for attribute in ("Secure", "HttpOnly", "Path=/"):
        assert attribute in cookie
    assert "samesite=lax" in cookie.lower()
    assert "domain" not in cookie.lower()


def test_sign_in_and_out_are_audited_without_secrets(client, session):
    user = make_user(session)
    sign_in(client, user)
    cookie = client.cookies.get(SESSION_COOKIE)
    post_form(client, "/logout")
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.subject_id == str(user.id))
        .order_by(col(AuditEvent.sequence))
    ).all()
    actions = [e.action for e in events]
    assert actions == ["user.created", "user.signed_in", "user.signed_out"]
    dumped = repr([e.data for e in events])
    assert TEST_PASSWORD not in dumped and cookie not in dumped


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("x" * 11, "at least 12"),
        ("password1234", "too common"),
        ("Sunshine2024!!", "too common"),
        ("y" * 257, "at most 256"),
    ],
)
def test_weak_passwords_are_refused(session, password, problem):
    with pytest.raises(WeakPassword, match=problem):
        make_user_with(session, password)


@pytest.mark.parametrize("password", ["z" * 64, "q" * 128, "correct horse 🐎 battery staple"])
def test_long_and_unicode_passwords_work_exactly(client, session, password):
    user = make_user_with(session, password)
    assert auth_service.authenticate(session, email=user.email, password=password) == user
    altered = password[:-1] + ("!" if password[-1] != "!" else "?")
    response = post_form(client, "/login", {"email": user.email, "password": altered})
    assert response.status_code == 401


def make_user_with(session, password):
    return auth_service.create_user(
        session,
        email=f"p{abs(hash(password)) % 10**8}@example.com",
        role=Role.auditor,
        password=password,
    )
