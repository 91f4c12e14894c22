"""Migrations run up, down and up again on both backends, and match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.core import migrate
from app.core.db import create_db_engine
from tests.conftest import fresh_database_url


def test_every_revision_upgrades_downgrades_and_upgrades_again(backend: str, tmp_path: Path):
    url = fresh_database_url(backend, "stairway", tmp_path)
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    revisions = list(reversed(list(script.walk_revisions())))
    for revision in revisions:
        migrate.upgrade(url, revision.revision)
        migrate.downgrade(url, revision.down_revision or "base")
        migrate.upgrade(url, revision.revision)
    assert migrate.current_revision(url) == script.get_current_head()
    engine = create_db_engine(url, pool_size=1)
    try:
        assert "vendor" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    migrate.downgrade(url, "base")
    engine = create_db_engine(url, pool_size=1)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_models_match_migrations(database_url: str):
    engine = create_db_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == [], f"models and migrations differ; add a migration: {differences}"
