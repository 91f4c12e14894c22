"""Single sign-on end to end against a real OIDC provider process on loopback."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth import service as auth_service
from app.auth.models import Role, User
from app.core.config import Environment, Settings
from tests.factories import make_user
from tests.web.auth.oidc_provider import (
    approve_at_provider,
    running_provider,
    sso_sign_in,
    start_sso,
)


@pytest.fixture(scope="module")
def provider_url():
    with running_provider() as url:
        yield url


@pytest.fixture
def settings(database_url, tmp_path, provider_url):
    return Settings(
        env=Environment.test,
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        outbox_dir=tmp_path / "outbox",
        oidc_discovery_url=f"{provider_url}/.well-known/openid-configuration",
        oidc_client_id="diligence-test",
        oidc_client_secret="test-client-secret",
        oidc_allowed_domains="corp.example",
        oidc_role_claim="diligence_role",
        oidc_default_role="auditor",
    )


def _user(session, email):
    return session.exec(select(User).where(User.email == email)).first()


def test_the_sign_in_page_offers_sso_when_configured(client):
    page = client.get("/login")
    assert "Sign in with SSO" in page.text


def test_sso_sign_in_creates_the_account_with_the_claimed_role(client, session, provider_url):
    response = sso_sign_in(client, "alice")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/vendors"
    assert client.get("/vendors").status_code == 200
    user = _user(session, "alice@corp.example")
    assert user.role is Role.risk_officer
    assert (user.oidc_issuer, user.oidc_subject) == (provider_url, "alice")
    assert user.password_hash is None


def test_the_authorization_request_uses_pkce_nonce_and_state(client):
    query = parse_qs(urlsplit(start_sso(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]


def test_without_a_role_claim_the_default_role_is_given(client, session):
    assert sso_sign_in(client, "carol").status_code == 303
    assert _user(session, "carol@corp.example").role is Role.auditor


def test_a_second_sign_in_reuses_the_account_and_follows_the_role_claim(client, session):
    assert sso_sign_in(client, "bob").status_code == 303
    user = _user(session, "bob@corp.example")
    auth_service.set_role(session, email=user.email, role=Role.auditor)
    client.cookies.clear()
    assert sso_sign_in(client, "bob").status_code == 303
    assert session.exec(select(User).where(User.oidc_subject == "bob")).one().role is Role.admin


def test_an_address_outside_the_allowed_domains_is_refused(client, session):
    response = sso_sign_in(client, "mallory")
    assert response.status_code == 400
    assert "not allowed to sign in" in response.text
    assert _user(session, "mallory@elsewhere.example") is None


def test_a_callback_in_another_browser_is_refused(app, client, session):
    callback = approve_at_provider(start_sso(client), "alice")
    with TestClient(app) as other_browser:
        response = other_browser.get(callback, follow_redirects=False)
    assert response.status_code == 400
    assert "not started in this browser" in response.text
    assert _user(session, "alice@corp.example") is None


def test_a_tampered_state_is_refused(client, session):
    callback = approve_at_provider(start_sso(client), "alice")
    forged = callback.replace("state=", "state=x")
    response = client.get(forged, follow_redirects=False)
    assert response.status_code == 400
    assert _user(session, "alice@corp.example") is None
    refused = session.exec(
        select(AuditEvent).where(AuditEvent.action == "user.sign_in_failed")
    ).all()
    assert [e.data["method"] for e in refused] == ["oidc"]
    assert refused[0].actor.startswith("visitor:")


def test_a_disabled_account_cannot_sign_in_with_sso(client, session):
    assert sso_sign_in(client, "alice").status_code == 303
    auth_service.disable_user(session, email="alice@corp.example")
    client.cookies.clear()
    response = sso_sign_in(client, "alice")
    assert response.status_code == 400
    assert "disabled" in response.text


def test_an_existing_local_account_is_not_taken_over_by_e_mail(client, session):
    local = make_user(session, email="carol@corp.example", role=Role.admin)
    response = sso_sign_in(client, "carol")
    assert response.status_code == 400
    assert "already exists" in response.text
    session.refresh(local)
    assert local.oidc_subject is None


def test_sso_is_absent_when_not_configured(database_url, tmp_path):
    from app.main import create_app

    plain = Settings(env=Environment.test, database_url=database_url)
    with TestClient(create_app(plain)) as browser:
        assert "Sign in with SSO" not in browser.get("/login").text
        assert browser.get("/auth/sso/start", follow_redirects=False).status_code == 404
