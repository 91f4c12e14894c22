"""Upgrading seals the second-factor secrets already stored; downgrading gives them back."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from sqlalchemy import text

from app.auth.totp_secrets import unseal
from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine
from tests.conftest import fresh_database_url

KEY = bytes(range(32))


@pytest.fixture
def storage_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DILIGENCE_STORAGE_KEY", KEY.hex())
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_existing_plain_secrets_are_sealed_and_still_make_valid_codes(
    backend: str, tmp_path: Path, storage_key: None
):
    url = fresh_database_url(backend, "sealtotp", tmp_path)
    migrate.upgrade(url, "program_1")
    secret = pyotp.random_base32()
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO staff_user (email, full_name, role, is_active, failed_logins,"
                    " created_at, totp_secret) VALUES ('admin@example.com', '', 'admin', true, 0,"
                    " CURRENT_TIMESTAMP, :secret)"
                ),
                {"secret": secret},
            )
            user_id = conn.execute(text("SELECT id FROM staff_user")).scalar_one()

        migrate.upgrade(url, "harden_2")
        with engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM staff_user")).mappings().one()
        assert "totp_secret" not in row
        assert all(secret not in str(value) for value in row.values())
        assert unseal([KEY], user_id, row["totp_secret_sealed"]) == secret

        migrate.downgrade(url, "program_1")
        with engine.connect() as conn:
            plain = conn.execute(text("SELECT totp_secret FROM staff_user")).scalar_one()
        assert plain == secret
    finally:
        engine.dispose()
