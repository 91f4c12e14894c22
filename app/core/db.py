"""Database engine, column types, naming convention and the per-request session."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import anyio
import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import JSON, DateTime, Engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

# Constraint names must be stable so that migrations can refer to them on every backend.
logger = logging.getLogger(__name__)

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
# Session.info key telling that a session's transaction began as a writer.
WRITER_KEY = "diligence_writer"
# Methods whose requests only read; every other request's session begins as a writer.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Marks an endpoint that writes although it answers a safe method (an audited download).
WRITES_ATTR = "__diligence_writes__"
QUEUED_WRITES_ATTR = "__diligence_writes_through_queue__"
# A best-effort write beside a read (a session's last_seen_at) waits this long, then gives up.
SIDE_WRITE_BUSY_MS = 250


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
        connect_args={
            "connect_timeout": 5,
            "options": "-c statement_timeout=15000",
            # A peer that vanished (a cut network, a dead host) is noticed within a minute
            # instead of the kernel's two hours; a frozen server is the readiness check's job.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "tcp_user_timeout": 60000,
        },
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


def begins_as_writer(engine: Engine) -> bool:
    """Tell whether the engine's transactions take the write lock up front (or need not)."""
    if engine.dialect.name != "sqlite":
        return True
    return bool(engine.get_execution_options().get(SQLITE_BEGIN_OPTION) == "IMMEDIATE")


def _new_session(engine: Engine, *, writer: bool) -> Session:
    """Open a session; a writer's transaction begins as one (see write_engine)."""
    if writer:
        return Session(write_engine(engine), expire_on_commit=False, info={WRITER_KEY: True})
    return Session(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session for a job or CLI command: commit on success, roll back on error.

    Jobs and commands write, so on SQLite the transaction begins as a writer (see write_engine).
    """
    with _new_session(engine, writer=True) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def writes(endpoint: Any) -> Any:
    """Mark an endpoint that writes although it answers GET: its session begins as a writer."""
    setattr(endpoint, WRITES_ATTR, True)
    return endpoint


def writes_through_queue(endpoint: Any) -> Any:
    """Mark an endpoint whose writes all go through ``run_write``: its own session only reads.

    Were its session a writer, on SQLite it would hold the write lock (taken by the first
    query of any dependency) while the route waits for the writer thread, which needs that
    same lock: every such request would wait out the busy timeout and fail.
    """
    setattr(endpoint, QUEUED_WRITES_ATTR, True)
    return endpoint


def request_writes(request: Request) -> bool:
    """Tell whether a request's transaction must begin as a writer."""
    route: Any = request.scope.get("route")
    endpoint = getattr(route, "endpoint", None)
    if getattr(endpoint, QUEUED_WRITES_ATTR, False):
        return False
    if request.method not in SAFE_METHODS:
        return True
    return bool(getattr(endpoint, WRITES_ATTR, False))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield the request's session; it commits before the response is sent.

    Requests that change something begin as writers, so on SQLite they wait for the write lock
    (up to the busy timeout) instead of failing when another writer commits first; page views
    stay plain readers, which WAL never blocks.

    Async on purpose: opening a session does no I/O, and many requests never query with it
    (the portal's autosave writes through the writer thread, public pages read nothing), so
    they pay no hop to a worker thread. Ending a transaction that did query runs on one.
    """
    session = _new_session(request.app.state.engine, writer=request_writes(request))
    try:
        yield session
    except BaseException:
        # Shielded: a cancelled request must still hand its connection back, rolled back.
        with anyio.CancelScope(shield=True):
            await _end_session(session, commit=False)
        raise
    await _end_session(session, commit=True)


async def _end_session(session: Session, *, commit: bool) -> None:
    if not session.in_transaction():
        session.close()  # never touched the database: nothing to commit or roll back
        return
    await run_in_threadpool(_end_transaction, session, commit)


def _end_transaction(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


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
    with session_scope(app.state.engine) as session:
        yield session


def write_beside(session: Session, statement: UpdateBase) -> None:
    """Run a small best-effort write (a last-seen touch) without making a reader fail.

    A writer's session runs it in its own transaction. A SQLite reader cannot take the write
    lock once it has read (another commit makes its snapshot stale), so the write gets a short
    transaction of its own that waits briefly and is skipped when the database stays busy.
    """
    bind = session.get_bind()
    if session.info.get(WRITER_KEY) or not isinstance(bind, Engine) or begins_as_writer(bind):
        session.exec(statement)
        return
    try:
        with bind.connect() as conn:
            _set_busy_timeout(conn, SIDE_WRITE_BUSY_MS)
            try:
                conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
                with conn.begin():
                    conn.execute(statement)
            finally:
                conn.execution_options(**{SQLITE_BEGIN_OPTION: ""})
                _set_busy_timeout(conn, SQLITE_BUSY_TIMEOUT_MS)
    except sa.exc.OperationalError as exc:
        logger.info("a best-effort write was skipped: the database is busy (%s)", exc.orig)


def _set_busy_timeout(conn: sa.Connection, milliseconds: int) -> None:
    # On the driver's connection itself: outside SQLAlchemy's transaction, so the pooled
    # connection gets its usual wait back even after the short write failed.
    driver = conn.connection.driver_connection
    assert driver is not None  # a checked-out connection always has one
    driver.execute(f"PRAGMA busy_timeout={milliseconds}")


def open_session(app: Any) -> AbstractContextManager[Session]:
    """Open a read session outside a route (middleware); tests may swap the factory."""
    factory = getattr(app.state, "session_factory", None)
    if factory is not None:
        return factory()  # type: ignore[no-any-return]
    return Session(app.state.engine)
