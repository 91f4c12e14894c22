"""Named rate limits answer 429 with Retry-After: sign-in, the portal, and any route that asks."""

from __future__ import annotations

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from app.auth import throttle
from app.auth.permissions import ROUTE_ACCESS, Audience
from app.core.config import Environment, Settings
from app.core.ratelimit import RateLimiter, rate_limit
from app.main import create_app
from tests.factories import TEST_PASSWORD, csrf_token, make_user


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(
        env=Environment.test,
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        rate_limits={
            "login": "3/minute",
            "portal": "2/minute",
            "portal_link": "2/minute",
            "upload": "2/hour",
        },
    )


def test_sign_in_attempts_beyond_the_limit_get_429_with_retry_after(client, session):
    user = make_user(session)
    token = csrf_token(client)
    fields = {"email": user.email, "password": "wrong password!", "csrf_token": token}
    statuses = [client.post("/login", data=fields).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    blocked = client.post("/login", data={**fields, "password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 60
    assert "Too many" in blocked.text
    assert blocked.headers["x-content-type-options"] == "nosniff"


def test_failures_on_one_account_from_many_addresses_slow_each_attempt(app, session, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(throttle.time, "sleep", slept.append)
    user = make_user(session, email="target@example.com")
    for number in range(12):
        with TestClient(app, client=(f"10.0.0.{number}", 5000)) as browser:
            fields = {"email": user.email, "password": "guess-guess-guess", "csrf_token": ""}
            fields["csrf_token"] = csrf_token(browser)
            assert browser.post("/login", data=fields).status_code == 401
    assert slept and slept == sorted(slept) and slept[-1] > slept[0]
    with TestClient(app, client=("10.0.1.1", 5000)) as owner:
        fields = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": ""}
        fields["csrf_token"] = csrf_token(owner)
        assert owner.post("/login", data=fields, follow_redirects=False).status_code == 303


def test_portal_paths_are_limited_per_address_before_any_handler(client):
    statuses = [client.get("/portal/not-a-real-token").status_code for _ in range(3)]
    assert 429 not in statuses[:2]
    assert statuses[2] == 429


def test_using_portal_links_has_its_own_tight_limit(client):
    link = "/portal/dlg_p_" + "x" * 43
    statuses = [client.get(link).status_code for _ in range(3)]
    assert statuses[:2] == [404, 404]
    assert statuses[2] == 429
    # Answering inside a portal session is counted separately, so autosave is not starved.
    assert client.get("/portal").status_code != 429


def test_a_feature_route_declares_a_limit_by_name(settings, session, monkeypatch):
    monkeypatch.setitem(ROUTE_ACCESS, "tests.upload", Audience.public)
    app = create_app(settings)

    @app.get("/test-upload", name="tests.upload", dependencies=[Depends(rate_limit("upload"))])
    def upload() -> dict[str, str]:
        return {"status": "stored"}

    with TestClient(app) as browser:
        statuses = [browser.get("/test-upload").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_an_unknown_limit_name_is_a_programming_error():
    with pytest.raises(KeyError, match="unknown rate limit"):
        RateLimiter().hit("no-such-limit", "k")
