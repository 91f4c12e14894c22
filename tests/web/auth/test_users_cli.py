"""``diligence users set-role|disable`` take effect on live browser sessions at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.auth.cli import app as users_cli
from app.core import migrate
from app.core.config import Environment, Settings, get_settings
from app.core.db import dispose_engines
from app.main import create_app
from tests.conftest import fresh_database_url
from tests.factories import csrf_token

PASSWORD = "a long enough passphrase for tests"


@pytest.fixture
def live_app(backend, tmp_path, monkeypatch):
    url = fresh_database_url(backend, "userscli", tmp_path)
    migrate.upgrade(url)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield create_app(Settings(env=Environment.test, database_url=url))
    dispose_engines()
    get_settings.cache_clear()


def _signed_in_browser(app, email):
    browser = TestClient(app)
    fields = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(browser)}
    assert browser.post("/login", data=fields, follow_redirects=False).status_code == 303
    return browser


def test_disable_ends_the_sessions_of_a_signed_in_browser(live_app):
    runner = CliRunner()
    email = "leaver@example.com"
    created = runner.invoke(
        users_cli, ["create", "--email", email, "--role", "procurement", "--password", PASSWORD]
    )
    assert created.exit_code == 0, created.output
    with _signed_in_browser(live_app, email) as browser:
        assert browser.get("/vendors").status_code == 200
        result = runner.invoke(users_cli, ["disable", "--email", email])
        assert result.exit_code == 0
        assert "sessions have ended" in result.output
        assert browser.get("/vendors", follow_redirects=False).status_code == 303


def test_set_role_applies_to_the_next_request(live_app):
    runner = CliRunner()
    email = "mover@example.com"
    runner.invoke(
        users_cli, ["create", "--email", email, "--role", "auditor", "--password", PASSWORD]
    )
    with _signed_in_browser(live_app, email) as browser:
        assert browser.get("/admin/audit").status_code == 200
        result = runner.invoke(users_cli, ["set-role", "--email", email, "--role", "procurement"])
        assert result.exit_code == 0
        assert browser.get("/admin/audit").status_code == 403


def test_unknown_accounts_and_common_passwords_are_one_line_errors(live_app):
    runner = CliRunner()
    missing = runner.invoke(users_cli, ["disable", "--email", "nobody@example.com"])
    assert missing.exit_code == 1
    assert "no user with e-mail" in missing.output
    common = runner.invoke(
        users_cli,
        ["create", "--email", "x@example.com", "--role", "admin", "--password", "password1234"],
    )
    assert common.exit_code == 1
    assert "too common" in common.output
