"""API tokens: shown once, stored hashed, scoped, revocable, expiring; disabled users are out."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth import service as auth_service
from app.auth.models import ApiToken, Role
from app.auth.permissions import Permission
from app.core.db import utcnow
from tests.api.helpers import API, assert_error, bearer, token_for
from tests.factories import make_user, post_form, sign_in

TOKEN_FORMAT = re.compile(r"^dlg_t_[A-Za-z0-9_-]{43}$")


def _create_on_page(client, **fields):
    return post_form(client, "/account/api-tokens", {"name": "CI", **fields})


def test_a_token_is_shown_once_and_stored_only_as_its_hash(client, session):
    user = make_user(session, role=Role.auditor)
    sign_in(client, user)
    page = _create_on_page(client)
    assert page.status_code == 200, page.text
    value = re.search(r'id="new-token">([^<]+)<', page.text).group(1)
    assert TOKEN_FORMAT.match(value)
    row = session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert row.token_hash == hashlib.sha256(value.encode()).hexdigest()
    assert value not in str(row.model_dump())
    assert value not in client.get("/account/api-tokens").text
    assert client.get(f"{API}/vendors", headers=bearer(value)).status_code == 200


def test_token_creation_is_audited_without_the_token(client, session):
    user = make_user(session, role=Role.auditor)
    value = token_for(session, user)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "api_token.created")).all()
    assert events
    assert all(value not in str(event.data) for event in events)


def test_a_revoked_token_is_refused_with_401(client, session):
    user = make_user(session, role=Role.auditor)
    value = token_for(session, user)
    assert client.get(f"{API}/vendors", headers=bearer(value)).status_code == 200
    sign_in(client, user)
    token = session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    revoked = post_form(client, f"/account/api-tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    client.cookies.clear()
    response = client.get(f"{API}/vendors", headers=bearer(value))
    assert_error(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_people_cannot_revoke_someone_elses_token(client, session):
    owner = make_user(session, role=Role.auditor)
    token_for(session, owner)
    token = session.exec(select(ApiToken).where(ApiToken.user_id == owner.id)).one()
    sign_in(client, make_user(session, role=Role.procurement))
    assert post_form(client, f"/account/api-tokens/{token.id}/revoke").status_code == 404
    assert session.get(ApiToken, token.id).revoked_at is None


def test_narrower_scopes_refuse_what_the_role_would_allow(client, session):
    user = make_user(session, role=Role.risk_officer)
    value = token_for(session, user, scopes=[Permission.vendors_read])
    assert client.get(f"{API}/vendors", headers=bearer(value)).status_code == 200
    refused = client.get(f"{API}/requests", headers=bearer(value))
    assert_error(refused, 403, "forbidden")
    created = client.post(f"{API}/vendors", json={"name": "X"}, headers=bearer(value))
    assert_error(created, 403)


def test_scopes_beyond_the_role_cannot_be_granted(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    page = _create_on_page(client, access="scopes", scope="audit.read")
    assert page.status_code == 422
    assert "does not hold audit.read" in page.text


def test_a_disabled_users_tokens_stop_working(client, session):
    user = make_user(session, role=Role.auditor)
    value = token_for(session, user)
    user.is_active = False
    session.add(user)
    session.flush()
    assert_error(client.get(f"{API}/vendors", headers=bearer(value)), 401)


def test_an_expired_token_is_refused(client, session):
    user = make_user(session, role=Role.auditor)
    value = token_for(session, user, expires_at=utcnow() + timedelta(minutes=5))
    token = session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.add(token)
    session.flush()
    assert_error(client.get(f"{API}/vendors", headers=bearer(value)), 401)


def test_a_role_change_narrows_a_whole_role_token_at_once(client, session):
    user = make_user(session, role=Role.auditor)
    value = token_for(session, user)
    assert client.get(f"{API}/audit/events", headers=bearer(value)).status_code == 200
    auth_service.set_role(session, email=user.email, role=Role.procurement)
    assert_error(client.get(f"{API}/audit/events", headers=bearer(value)), 403)


def test_use_is_recorded(client, session):
    user = make_user(session, role=Role.auditor)
    value = token_for(session, user)
    client.get(f"{API}/vendors", headers=bearer(value))
    token = session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert token.last_used_at is not None


def test_anonymous_api_calls_get_json_401_not_a_login_redirect(client):
    response = client.get(f"{API}/vendors", follow_redirects=False)
    assert_error(response, 401, "not_authenticated")
    assert response.headers["content-type"].startswith("application/json")


def test_a_made_up_token_is_refused(client):
    assert_error(client.get(f"{API}/vendors", headers=bearer("dlg_t_" + "A" * 43)), 401)
    assert_error(client.get(f"{API}/vendors", headers=bearer("nonsense")), 401)


def test_a_token_does_not_sign_in_to_the_pages(client, session):
    value = token_for(session, make_user(session, role=Role.admin))
    page = client.get("/vendors", headers=bearer(value), follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_an_admin_sees_every_token_and_others_only_theirs(client, session):
    token_for(session, make_user(session, role=Role.auditor, email="someone@example.com"))
    sign_in(client, make_user(session, role=Role.procurement))
    assert "someone@example.com" not in client.get("/account/api-tokens").text
    client.cookies.clear()
    sign_in(client, make_user(session, role=Role.admin))
    assert "someone@example.com" in client.get("/account/api-tokens").text


def test_an_anonymous_write_is_a_401_with_a_bearer_challenge(client):
    response = client.post(f"{API}/vendors", json={"name": "X"})
    assert_error(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
