"""Every state-changing request needs the CSRF token of the browser that sends it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.auth.models import Role
from app.core.csrf import COOKIE_NAME, make_token
from tests.factories import TEST_PASSWORD, csrf_token, make_user, post_form, sign_in


def test_a_form_post_without_a_token_gets_the_403_page(client, session):
    user = make_user(session)
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert "did not come from this site" in response.text
    assert "Content-Security-Policy" in response.headers


def test_a_post_without_any_csrf_cookie_is_refused(app, session):
    user = make_user(session)
    with TestClient(app) as fresh_browser:
        response = fresh_browser.post(
            "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": "x"}
        )
    assert response.status_code == 403


def test_a_token_from_another_browser_is_refused(app, client, session):
    user = make_user(session)
    with TestClient(app) as attacker:
        stolen = csrf_token(attacker)
    client.get("/login")
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": stolen}
    )
    assert response.status_code == 403


def test_signing_out_needs_the_token_too(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/vendors").status_code == 200
    assert post_form(client, "/logout").status_code == 303


def test_cross_site_requests_are_refused_even_with_a_valid_token(client, session):
    user = make_user(session)
    token = csrf_token(client)
    fields = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ):
        response = client.post("/login", data=fields, headers=headers, follow_redirects=False)
        assert response.status_code == 403, headers
    same_origin = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    ok = client.post("/login", data=fields, headers=same_origin, follow_redirects=False)
    assert ok.status_code == 303


def test_the_token_may_come_in_a_header_or_a_multipart_form(client, session):
    user = make_user(session)
    token = csrf_token(client)
    by_header = client.post(
        "/login",
        data={"email": user.email, "password": "wrong password!"},
        headers={"X-CSRF-Token": token},
    )
    assert by_header.status_code == 401  # past the CSRF check, refused for the password
    multipart = client.post(
        "/login",
        data={"csrf_token": token, "email": user.email, "password": TEST_PASSWORD},
        files={"unused": ("a.txt", b"x" * 1000, "text/plain")},
        follow_redirects=False,
    )
    assert multipart.status_code == 303


def test_a_multipart_form_without_the_token_is_refused_before_the_body_is_read(client):
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": "a@example.com", "password": "x"},
        files={"upload": ("a.pdf", b"%PDF-" + b"0" * 200_000, "application/pdf")},
    )
    assert response.status_code == 403


def test_requests_with_a_bearer_token_are_exempt(client):
    response = client.post(
        "/logout", headers={"Authorization": "Bearer some-api-token"}, follow_redirects=False
    )
    assert response.status_code == 303


def test_api_paths_get_a_json_403(client):
    client.get("/login")
    response = client.post("/api/v1/anything", json={})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_tokens_are_bound_to_the_secret_key():
    assert make_token("key-one", "s" * 43) != make_token("key-two", "s" * 43)
    assert COOKIE_NAME == "dlg_csrf"
