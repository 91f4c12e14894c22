from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.config import Environment, Settings


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ValidationError, match="DILIGENCE_SECRET_KEY"):
        Settings(env=Environment.production, secret_key=None)


def test_production_refuses_a_short_secret_key():
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env=Environment.production, secret_key="too-short")


def test_production_accepts_a_long_random_secret_key():
    settings = Settings(env=Environment.production, secret_key="x" * 40, storage_key="ab" * 32)
    assert settings.signing_key() == "x" * 40


def test_settings_come_from_prefixed_environment_variables(monkeypatch):
    monkeypatch.setenv("DILIGENCE_PORT", "8123")
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", "sqlite:///elsewhere.db")
    settings = Settings()
    assert settings.port == 8123
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert settings.public_base_url == "http://127.0.0.1:8123"


def test_development_generates_a_signing_key_when_none_is_set():
    assert len(Settings(env=Environment.development).signing_key()) >= 32
