"""The API is rate limited per user, across their tokens, with the API's error body."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from app.core.config import Environment, Settings
from tests.api.helpers import API, assert_error, bearer, caller, token_for


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(
        env=Environment.test,
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        rate_limits={"api": "3/minute"},
    )


def test_a_user_over_the_api_limit_gets_429_with_retry_after_on_every_token(client, session):
    user, headers = caller(session, Role.risk_officer)
    second_token = bearer(token_for(session, user))
    statuses = [client.get(f"{API}/vendors", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    for token in (headers, second_token):
        blocked = client.get(f"{API}/vendors", headers=token)
        assert_error(blocked, 429, "rate_limited")
        assert 0 < int(blocked.headers["retry-after"]) <= 60


def test_the_limit_is_counted_per_user(client, session):
    _first, busy = caller(session, Role.risk_officer)
    _second, other = caller(session, Role.auditor)
    for _ in range(4):
        client.get(f"{API}/vendors", headers=busy)
    assert client.get(f"{API}/vendors", headers=busy).status_code == 429
    assert client.get(f"{API}/vendors", headers=other).status_code == 200
