"""The error body, content types, and Idempotency-Key replays."""

from __future__ import annotations

from sqlmodel import select

from app.auth.models import Role
from app.vendors.models import Vendor
from tests.api.helpers import API, assert_error, bearer, caller, token_for
from tests.factories import make_user


def test_the_same_key_and_payload_replay_the_first_response(client, session):
    _user, headers = caller(session, Role.procurement)
    keyed = {**headers, "Idempotency-Key": "create-replay-1"}
    first = client.post(f"{API}/vendors", json={"name": "Replay Ltd"}, headers=keyed)
    second = client.post(f"{API}/vendors", json={"name": "Replay Ltd"}, headers=keyed)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["location"] == first.headers["location"]
    rows = session.exec(select(Vendor).where(Vendor.name == "Replay Ltd")).all()
    assert len(rows) == 1


def test_the_same_key_with_another_payload_is_refused(client, session):
    _user, headers = caller(session, Role.procurement)
    keyed = {**headers, "Idempotency-Key": "create-reuse-1"}
    client.post(f"{API}/vendors", json={"name": "First Ltd"}, headers=keyed)
    reused = client.post(f"{API}/vendors", json={"name": "Second Ltd"}, headers=keyed)
    assert_error(reused, 422, "idempotency_key_reused")
    assert not session.exec(select(Vendor).where(Vendor.name == "Second Ltd")).all()


def test_keys_belong_to_their_token(client, session):
    user = make_user(session, role=Role.procurement)
    first = {**bearer(token_for(session, user)), "Idempotency-Key": "shared"}
    second = {**bearer(token_for(session, user)), "Idempotency-Key": "shared"}
    client.post(f"{API}/vendors", json={"name": "Token A Ltd"}, headers=first)
    other = client.post(f"{API}/vendors", json={"name": "Token B Ltd"}, headers=second)
    assert other.status_code == 201
    assert "idempotent-replayed" not in other.headers


def test_without_a_key_each_post_creates(client, session):
    _user, headers = caller(session, Role.procurement)
    client.post(f"{API}/vendors", json={"name": "Twice Ltd"}, headers=headers)
    client.post(f"{API}/vendors", json={"name": "Twice Ltd"}, headers=headers)
    assert len(session.exec(select(Vendor).where(Vendor.name == "Twice Ltd")).all()) == 2


def test_a_failed_create_leaves_the_key_free_for_a_retry(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor_id = client.post(f"{API}/vendors", json={"name": "Retry Ltd"}, headers=headers).json()[
        "id"
    ]
    keyed = {**headers, "Idempotency-Key": "send-1"}
    body = {"questionnaire": "soc-assurance", "contact_id": 999999}
    failed = client.post(f"{API}/vendors/{vendor_id}/requests", json=body, headers=keyed)
    assert_error(failed, 422)
    again = client.post(f"{API}/vendors/{vendor_id}/requests", json=body, headers=keyed)
    assert_error(again, 422, "invalid_input")


def test_non_json_bodies_are_refused_with_415(client, session):
    _user, headers = caller(session, Role.procurement)
    response = client.post(
        f"{API}/vendors",
        content=b"name=Plain",
        headers={**headers, "Content-Type": "text/plain"},
    )
    assert_error(response, 415, "unsupported_media_type")


def test_malformed_json_is_a_422_with_the_error_body(client, session):
    _user, headers = caller(session, Role.procurement)
    response = client.post(
        f"{API}/vendors",
        content=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert_error(response, 422, "invalid_input")


def test_unknown_api_paths_are_json_404s(client, session):
    _user, headers = caller(session, Role.admin)
    assert_error(client.get(f"{API}/nothing-here", headers=headers), 404)


def test_a_wrong_role_gets_a_json_403(client, session):
    _user, headers = caller(session, Role.procurement)
    assert_error(client.get(f"{API}/audit/events", headers=headers), 403, "forbidden")
