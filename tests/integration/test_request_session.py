"""The per-request session: committed when the request succeeds, rolled back when it fails or
is cancelled, and never holding a connection for a request that did not query."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

import anyio
import pytest
from sqlalchemy import Engine, text
from starlette.requests import Request

from app.core.db import create_db_engine, get_session
from tests.conftest import fresh_database_url


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(fresh_database_url(backend, "request_session", tmp_path))
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS saved_note"))
        connection.execute(text("CREATE TABLE saved_note (body VARCHAR(40))"))
    yield engine
    engine.dispose()


def request_to(engine: Engine, method: str) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(engine=engine))
    return Request({"type": "http", "method": method, "path": "/", "headers": [], "app": app})


def notes(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT body FROM saved_note")).scalars())


async def write_then(engine: Engine, failure: BaseException | None) -> None:
    dependency = get_session(request_to(engine, "POST"))
    session = await anext(dependency)
    session.execute(text("INSERT INTO saved_note (body) VALUES ('typed by the vendor')"))
    if failure is None:
        with pytest.raises(StopAsyncIteration):
            await anext(dependency)
    else:
        with pytest.raises(type(failure)):
            await dependency.athrow(failure)


def test_a_request_that_succeeds_keeps_what_it_wrote(engine: Engine) -> None:
    asyncio.run(write_then(engine, failure=None))

    assert notes(engine) == ["typed by the vendor"]
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_request_that_fails_leaves_nothing_behind(engine: Engine) -> None:
    asyncio.run(write_then(engine, failure=RuntimeError("the page broke")))

    assert notes(engine) == []
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_cancelled_request_still_rolls_back_and_returns_its_connection(engine: Engine) -> None:
    async def vendor_goes_away_mid_save() -> None:
        # As under the server: the request's scope is cancelled (the client went away) while
        # the route waits, and the session's clean-up runs inside that cancelled scope.
        with anyio.CancelScope() as scope:
            async with asynccontextmanager(get_session)(request_to(engine, "POST")) as session:
                session.execute(text("INSERT INTO saved_note (body) VALUES ('half a save')"))
                scope.cancel()
                await anyio.sleep(5)

    anyio.run(vendor_goes_away_mid_save)

    assert notes(engine) == []
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_request_that_never_queries_takes_no_connection(engine: Engine) -> None:
    async def look_only() -> None:
        dependency = get_session(request_to(engine, "GET"))
        session = await anext(dependency)
        assert not session.in_transaction()
        with pytest.raises(StopAsyncIteration):
            await anext(dependency)

    asyncio.run(look_only())

    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
