"""The CLI against a real database file (SQLite) or a fresh PostgreSQL database."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from app.cli import build_app, main
from app.core.config import get_settings
from app.core.db import dispose_engines
from tests.conftest import fresh_database_url

app = build_app()


@pytest.fixture
def cli_env(backend, tmp_path, monkeypatch):
    url = fresh_database_url(backend, "cli", tmp_path)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    monkeypatch.setenv("DILIGENCE_STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.setenv("DILIGENCE_OUTBOX_DIR", str(tmp_path / "outbox"))
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()


def test_upgrade_then_demo_load_prints_a_generated_password_once(cli_env, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["db", "current"]).exit_code == 0
    first = runner.invoke(app, ["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    password = re.search(r"Password  (\S+)  \(shown once", first.output)
    assert password is not None and len(password.group(1)) >= 16
    assert "7 sample reports read" in first.output
    link = re.search(r"/portal/(dlg_p_[A-Za-z0-9_-]+)", first.output)
    assert link is not None
    assert len(link.group(1)) == len("dlg_p_") + 43
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    second = runner.invoke(app, ["demo", "load", "--if-empty"])
    assert second.exit_code == 0
    assert "already has data" in second.output
    assert password.group(1) not in second.output


def test_users_create_refuses_duplicates_and_short_passwords(cli_env):
    runner = CliRunner()
    runner.invoke(app, ["db", "upgrade"])
    ok = runner.invoke(
        app, ["users", "create", "--email", "ro@example.com", "--role", "risk_officer"]
    )
    assert ok.exit_code == 0
    assert "password (shown once)" in ok.output
    again = runner.invoke(app, ["users", "create", "--email", "RO@example.com", "--role", "admin"])
    assert again.exit_code == 1
    assert "already exists" in again.output
    short = runner.invoke(
        app,
        ["users", "create", "--email", "x@example.com", "--role", "admin", "--password", "short"],
    )
    assert short.exit_code == 1
    assert "at least 12" in short.output


def test_db_current_exits_1_before_migrating(cli_env):
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.exit_code == 1
    assert "not migrated" in result.output


def test_every_command_has_help():
    runner = CliRunner()
    for args in (
        ["--help"],
        ["db", "--help"],
        ["users", "create", "--help"],
        ["demo", "load", "--help"],
        ["serve", "--help"],
    ):
        assert runner.invoke(app, args).exit_code == 0


def test_scores_recompute_rescores_the_demo_vendors_then_finds_nothing_changed(cli_env, tmp_path):
    runner = CliRunner()
    runner.invoke(app, ["db", "upgrade"])
    assert runner.invoke(app, ["demo", "load", "--if-empty"]).exit_code == 0
    later = ["scores", "recompute", "--as-of", "2031-01-01", "--workers", "2"]
    first = runner.invoke(app, later)
    assert first.exit_code == 0, first.output
    changed = re.search(r"scores recomputed as of 2031-01-01: (\d+) changed", first.output)
    assert changed is not None and int(changed.group(1)) > 0  # recency decayed since the demo
    again = runner.invoke(app, later)
    assert "scores recomputed as of 2031-01-01: 0 changed" in again.output
    bad = runner.invoke(app, ["scores", "recompute", "--as-of", "01/01/2031"])
    assert bad.exit_code != 0
    assert "YYYY-MM-DD" in bad.output


def test_a_mistyped_setting_is_named_in_one_line_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("DILIGENCE_STORAGE_KEY", "not-a-key")
    monkeypatch.setattr("sys.argv", ["diligence", "scores", "recompute"])
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exited:
            main()
    finally:
        get_settings.cache_clear()
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "error: DILIGENCE_STORAGE_KEY: storage keys are 32 random bytes" in error
    assert "Traceback" not in error


def test_serve_with_setup_migrates_loads_the_demo_once_and_then_serves(cli_env, monkeypatch):
    served: list[dict[str, object]] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **options: served.append(options))
    monkeypatch.setenv("DILIGENCE_PORT", "8000")  # --port wins, in the links printed too
    runner = CliRunner()
    first = runner.invoke(app, ["serve", "--setup", "--port", "8765"])
    assert first.exit_code == 0, first.output
    assert "Diligence is ready" in first.output
    assert "Open      http://127.0.0.1:8765" in first.output
    assert re.search(r"http://127\.0\.0\.1:8765/portal/dlg_p_", first.output)
    assert re.search(r"Password  \S{16,}  \(shown once", first.output)
    assert "Diligence is starting at http://127.0.0.1:8765" in first.output
    again = runner.invoke(app, ["serve", "--setup", "--port", "8765"])
    assert again.exit_code == 0, again.output
    assert "already has data" in again.output
    assert "Password" not in again.output
    assert [options["port"] for options in served] == [8765, 8765]
