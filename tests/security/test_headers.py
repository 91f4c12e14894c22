"""Security headers on every response: pages, errors, static files, downloads, the portal."""

from __future__ import annotations

import re

import pytest
from fastapi.responses import Response
from fastapi.testclient import TestClient

from app.auth.permissions import ROUTE_ACCESS, Audience
from app.core.config import Environment, Settings
from app.core.security import ATTACHMENT_CSP, PAGE_CSP
from app.main import create_app
from tests.live_server import live_server

BASELINE = {
    "content-security-policy": PAGE_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _assert_baseline(response, **expected):
    for name, value in {**BASELINE, **expected}.items():
        assert response.headers.get(name) == value, name
    assert "strict-transport-security" not in response.headers


def test_the_csp_forbids_inline_script_and_framing():
    assert "script-src 'self'" in PAGE_CSP and "unsafe-inline" not in PAGE_CSP
    assert "frame-ancestors 'none'" in PAGE_CSP and "object-src 'none'" in PAGE_CSP


def test_pages_and_404s_carry_the_headers(client):
    _assert_baseline(client.get("/login"))
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    _assert_baseline(missing, **{"cache-control": "no-store"})


def test_static_files_carry_the_headers(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    _assert_baseline(response)
    assert response.headers.get("cache-control") == "no-cache"


def test_pages_link_fingerprinted_static_files_that_are_cached_for_good(client):
    page = client.get("/login").text
    match = re.search(r'href="(http://testserver/static/app\.css\?v=[0-9a-f]{16})"', page)
    assert match is not None, "the stylesheet link carries no content version"
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_the_server_does_not_name_itself(tmp_path):
    with live_server("sqlite", tmp_path) as server, server.client() as browser:
        response = browser.get("/login")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.fixture
def app_with_test_routes(settings, monkeypatch):
    monkeypatch.setitem(ROUTE_ACCESS, "tests.boom", Audience.public)
    monkeypatch.setitem(ROUTE_ACCESS, "tests.download", Audience.public)
    application = create_app(settings)

    @application.get("/boom", name="tests.boom")
    def boom() -> None:
        raise RuntimeError("unexpected")

    @application.get("/download", name="tests.download")
    def download() -> Response:
        return Response(
            b"%PDF-1.7",
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="report.pdf"'},
        )

    return application


def test_the_last_resort_500_page_carries_the_headers(app_with_test_routes):
    with TestClient(app_with_test_routes, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "unexpected" not in response.text
    _assert_baseline(response)


def test_downloads_are_sandboxed(app_with_test_routes):
    with TestClient(app_with_test_routes) as client:
        response = client.get("/download")
    assert response.headers["content-security-policy"] == ATTACHMENT_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_portal_pages_send_no_referrer_and_ask_not_to_be_indexed(client):
    response = client.get("/portal/some-token-value")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert response.headers["content-security-policy"] == PAGE_CSP


def test_hsts_only_under_https(database_url):
    settings = Settings(
        env=Environment.test, database_url=database_url, base_url="https://diligence.example"
    )
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        response = client.get("/healthz")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
