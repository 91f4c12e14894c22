"""Database engine, column types, naming convention and the per-request session."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import JSON, DateTime, Engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

# Constraint names must be stable so that migrations can refer to them on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 5000
# Execution option naming the SQLite BEGIN mode: "IMMEDIATE" takes the write lock up front, so a
# write transaction waits its turn instead of failing when another writer commits between its
# first read and first write (SQLite cannot upgrade a stale read snapshot).
SQLITE_BEGIN_OPTION = "sqlite_begin"
_SQLITE_BEGIN_MODES = {"": "BEGIN", "IMMEDIATE": "BEGIN IMMEDIATE"}


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    """Tell whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite_connection(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # FULL: a commit acknowledged to a vendor survives power loss, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _begin_sqlite_transaction(conn: Any) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "")
    conn.exec_driver_sql(_SQLITE_BEGIN_MODES[mode])


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def create_db_engine(url: str, *, pool_size: int = 40) -> Engine:
    """Create an engine with the settings each backend needs."""
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    # At least as large as the thread pool (40 by default), where sync handlers wait for one.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"connect_timeout": 5, "options": "-c statement_timeout=15000"},
    )


def get_engine(url: str, *, pool_size: int = 40) -> Engine:
    """Return the shared engine for a URL, creating it on first use."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_db_engine(url, pool_size=pool_size)
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (used at shutdown and between tests)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session for a job or CLI command: commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session(request: Request) -> Iterator[Session]:
    """Yield the request's session; it commits before the response is sent."""
    engine: Engine = request.app.state.engine
    with session_scope(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def enum_type(enum_class: type[StrEnum], length: int = 32) -> sa.Enum:
    """Store a StrEnum as its value in a VARCHAR and read it back as the enum member."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def write_engine(engine: Engine) -> Engine:
    """Return the engine for write transactions: on SQLite they begin IMMEDIATE.

    A deferred SQLite transaction that reads, then writes after another connection committed,
    fails at once with "database is locked"; taking the write lock first makes it wait instead.
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    return engine


@contextmanager
def write_session(app: Any) -> Iterator[Session]:
    """Open a write transaction for an async route: commit on success, roll back on error.

    On SQLite it begins IMMEDIATE (see SQLITE_BEGIN_OPTION). Tests may swap the factory, as
    for ``open_session``; their session is flushed instead of committed.
    """
    factory = getattr(app.state, "session_factory", None)
    if factory is not None:
        with factory() as session:
            yield session
            session.flush()
        return
    with session_scope(write_engine(app.state.engine)) as session:
        yield session


def open_session(app: Any) -> AbstractContextManager[Session]:
    """Open a read session outside a route (middleware); tests may swap the factory."""
    factory = getattr(app.state, "session_factory", None)
    if factory is not None:
        return factory()  # type: ignore[no-any-return]
    return Session(app.state.engine)
