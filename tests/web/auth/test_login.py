from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.auth.deps import SESSION_COOKIE
from app.auth.models import Role, StaffSession
from tests.factories import TEST_PASSWORD, make_user, post_form, sign_in


def test_staff_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/vendors", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/vendors"


def test_a_fragment_asked_for_after_sign_in_lapsed_sends_the_whole_page_to_sign_in(client):
    # The vendor page's documents table asks for itself while a document is being read.
    page = "http://testserver/vendors/7?document=queued"
    response = client.get(
        "/vendors/7/documents",
        headers={"HX-Request": "true", "HX-Current-URL": page},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/vendors/7%3Fdocument%3Dqueued"
    assert response.text == ""  # nothing for htmx to swap into the page


def test_signing_in_sets_an_httponly_cookie_and_returns_to_the_page(client, session):
    user = make_user(session)
    response = post_form(
        client,
        "/login",
        {"email": user.email.upper(), "password": TEST_PASSWORD, "next": "/vendors"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/vendors"
    cookie = next(c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain HTTP in tests; see test_sessions for HTTPS
    assert client.get("/vendors").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, session):
    user = make_user(session)
    response = post_form(client, "/login", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 401
    assert "wrong e-mail address or password" in response.text


def test_failures_from_one_address_never_lock_the_owner_out_elsewhere(app, session):
    user = make_user(session)
    with TestClient(app, client=("203.0.113.9", 5000)) as attacker:
        for _ in range(8):
            post_form(attacker, "/login", {"email": user.email, "password": "wrong password!"})
        refused = post_form(attacker, "/login", {"email": user.email, "password": TEST_PASSWORD})
    with TestClient(app, client=("198.51.100.7", 5000)) as owner:
        signed_in = post_form(owner, "/login", {"email": user.email, "password": TEST_PASSWORD})
    assert refused.status_code == 429  # the guessing address waits...
    assert signed_in.status_code == 303  # ...the owner, elsewhere, signs in


def test_a_throttled_known_address_answers_like_an_unknown_one(app, session):
    user = make_user(session)
    answers = {}
    for number, email in enumerate((user.email, "nobody-here@example.com")):
        with TestClient(app, client=(f"192.0.2.{number}", 5000)) as browser:
            for _ in range(5):
                post_form(browser, "/login", {"email": email, "password": "wrong password!"})
            response = post_form(browser, "/login", {"email": email, "password": "wrong one!"})
        # The same page, but for the seconds left to wait and the (per page) CSRF token.
        page = re.sub(r"\d+ seconds", "N seconds", response.text)
        answers[email] = (response.status_code, re.sub(r'content="[^"]{40,}"', "", page))
    assert answers[user.email] == answers["nobody-here@example.com"]
    assert answers[user.email][0] == 429


def test_next_cannot_redirect_to_another_site(client, session):
    user = make_user(session)
    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": TEST_PASSWORD, "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/%09/evil.example",
        "/\n/evil.example",
        "/%0A/evil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/ /evil.example",
        "/%252F%252Fevil.example",
        "https://evil.example/",
    ],
)
def test_next_with_hidden_characters_falls_back_to_the_dashboard(client, session, target):
    user = make_user(session)
    response = post_form(
        client, "/login", {"email": user.email, "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_plain_path_with_a_query_is_kept_as_next(client, session):
    user = make_user(session)
    target = "/vendors?status=active&q=a%20b"
    response = post_form(
        client, "/login", {"email": user.email, "password": TEST_PASSWORD, "next": target}
    )
    assert response.headers["location"] == target


def test_signing_out_revokes_the_server_side_session(client, session):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    cookie = client.cookies.get(SESSION_COOKIE)
    post_form(client, "/logout")
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get("/vendors", follow_redirects=False).status_code == 303
    rows = session.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all()
    assert all(row.revoked_at is not None for row in rows)


def test_the_dashboard_shows_the_navigation_for_signed_in_staff(client, session):
    user = make_user(session)
    sign_in(client, user)
    page = client.get("/")
    assert page.status_code == 200
    assert "Sign out" in page.text
    assert user.email in page.text
