"""Test fixtures: one migrated database per backend and run, a rolled-back transaction per test.

Every test that uses ``session``, ``engine`` or ``client`` runs once on SQLite and once on
PostgreSQL when ``DILIGENCE_TEST_POSTGRES_URL`` is set (e.g. postgresql://postgres@127.0.0.1/test).
The URL names an existing database used only to create the per-run test databases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.core import migrate
from app.core.config import Environment, Settings
from app.core.db import create_db_engine, dispose_engines, get_session, normalise_url
from app.main import create_app
from app.wiring import install_session_hooks

POSTGRES_URL_VAR = "DILIGENCE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def _worker() -> str:
    # Unique per run and worker, so two suites on one server never drop each other's database.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"p{os.getpid()}")[:8]
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{run}"


def drop_postgres_database(url: str) -> None:
    """Drop a database made by create_postgres_database."""
    name = make_url(url).database
    admin = create_db_engine(os.environ[POSTGRES_URL_VAR], pool_size=1).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def create_postgres_database(name: str) -> str:
    """Create an empty PostgreSQL database and return its URL."""
    admin_url = os.environ[POSTGRES_URL_VAR]
    admin = create_db_engine(admin_url, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return (
        make_url(normalise_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    )


def fresh_database_url(backend: str, label: str, tmp_dir: Path) -> str:
    """Return the URL of a new empty database of the given backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / f'{label}.db'}"
    if not os.environ.get(POSTGRES_URL_VAR):
        if os.environ.get("DILIGENCE_TEST_REQUIRE_POSTGRES"):
            pytest.fail(f"{POSTGRES_URL_VAR} is required in this run")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_VAR}")
    return create_postgres_database(f"diligence_{label}_{_worker()}")


@pytest.fixture(scope="session", autouse=True)
def _session_hooks() -> None:
    """Install the session hooks every entry point installs (the dashboard summary)."""
    install_session_hooks()


@pytest.fixture(scope="session", autouse=True)
def _drop_this_runs_postgres_databases() -> Iterator[None]:
    """Leave no database of this run behind on the shared server."""
    yield
    if not os.environ.get(POSTGRES_URL_VAR):
        return
    dispose_engines()
    admin = create_db_engine(os.environ[POSTGRES_URL_VAR], pool_size=1)
    try:
        with admin.connect() as conn:
            names = (
                conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                    {"pattern": f"diligence\\_%\\_{_worker()}"},
                )
                .scalars()
                .all()
            )
    finally:
        admin.dispose()
    for name in names:
        drop_postgres_database(f"postgresql://x/{name}")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = fresh_database_url(backend, "test", tmp_path_factory.mktemp(backend))
    migrate.upgrade(url)
    yield url
    if backend == "postgresql":
        dispose_engines()
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url, pool_size=5)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, even when the code commits."""
    connection = engine.connect()
    transaction = connection.begin()
    db_session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield db_session
    finally:
        db_session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env=Environment.test,
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        outbox_dir=tmp_path / "outbox",
        # Sending to vendors needs a name; tests of the unnamed state clear it.
        organisation_name="Buyer Ltd",
    )


@pytest.fixture
def app(settings: Settings, session: Session):
    application = create_app(settings)

    def _test_session() -> Iterator[Session]:
        yield session
        session.flush()

    application.dependency_overrides[get_session] = _test_session
    application.state.session_factory = lambda: nullcontext(session)
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


class RecordingMailer:
    """A mailer that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list = []

    def send(self, mail) -> None:
        self.sent.append(mail)


@pytest.fixture
def mailbox(app, session: Session) -> RecordingMailer:
    """Deliver queued mail inside the test's transaction, into a list."""
    from app.mail.deps import get_mail_dispatcher
    from app.mail.service import deliver_queued

    mailer = RecordingMailer()

    class _Dispatcher:
        def deliver(self) -> int:
            return deliver_queued(session, mailer)

    app.dependency_overrides[get_mail_dispatcher] = _Dispatcher
    return mailer
