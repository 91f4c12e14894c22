"""Async write transactions: writes run one at a time per database and share commits safely."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.core import writes
from app.core.db import create_db_engine
from app.core.writes import run_write
from app.reports import crypto
from app.reports.storage import CHUNK, LocalStorage
from app.reports.stored_objects import remove_if_rolled_back
from tests.conftest import drop_postgres_database, fresh_database_url

ROWS = sa.table("row", sa.column("id", sa.Integer), sa.column("label", sa.String))


def _run(make_coroutine):
    """Run a coroutine on a fresh event loop in its own thread.

    Browser tests in the same worker leave an event loop running in this thread, where
    asyncio.run() refuses to start.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


class Refused(Exception):
    pass


@pytest.fixture
def app(backend: str, tmp_path: Path) -> Iterator[SimpleNamespace]:
    url = fresh_database_url(backend, "writes", tmp_path)
    engine = create_db_engine(url, pool_size=2)
    key = "SERIAL PRIMARY KEY" if backend == "postgresql" else "INTEGER PRIMARY KEY"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE row (id {key}, label TEXT NOT NULL)")
    yield SimpleNamespace(state=SimpleNamespace(engine=engine))
    engine.dispose()
    if backend == "postgresql":
        drop_postgres_database(url)


def _insert(label: str, *, fail: bool = False, pause: float = 0.0):
    def work(session: Session) -> str:
        session.execute(sa.insert(ROWS).values(label=label))
        time.sleep(pause)
        if fail:
            raise Refused(label)
        return label

    return work


def _labels(app: SimpleNamespace) -> list[str]:
    with app.state.engine.connect() as conn:
        return sorted(conn.execute(sa.select(ROWS.c.label)).scalars())


def test_many_concurrent_writes_all_commit_without_lock_errors(app):
    async def main() -> list[str]:
        return await asyncio.gather(*(run_write(app, _insert(f"w{n:02d}")) for n in range(60)))

    results = _run(main)

    assert sorted(results) == [f"w{n:02d}" for n in range(60)]
    assert _labels(app) == sorted(results)


@pytest.fixture
def group_sizes(monkeypatch) -> list[int]:
    """The size of every group the writer commits together."""
    sizes: list[int] = []
    commit_together = writes._commit_together

    def spy(group):
        sizes.append(len(group))
        commit_together(group)

    monkeypatch.setattr(writes, "_commit_together", spy)
    return sizes


def _slow_then_three_together(app, make_write) -> list[object]:
    """Run a slow write, and meanwhile three that queue up behind it: the middle one fails."""

    async def main() -> list[object]:
        busy = asyncio.ensure_future(run_write(app, make_write("slow", pause=0.3)))
        await asyncio.sleep(0.05)
        grouped = [make_write("before"), make_write("refused", fail=True), make_write("after")]
        outcomes = await asyncio.gather(
            *(run_write(app, work) for work in grouped), return_exceptions=True
        )
        return [await busy, *outcomes]

    return _run(main)


def test_a_failing_write_rolls_back_only_itself_when_writes_share_a_commit(app, group_sizes):
    slow, before, refused, after = _slow_then_three_together(app, _insert)

    assert (slow, before, after) == ("slow", "before", "after")
    assert isinstance(refused, Refused)
    assert _labels(app) == ["after", "before", "slow"]
    assert group_sizes == [3]


def test_a_failing_write_removes_only_its_own_stored_file_from_a_shared_commit(
    app, group_sizes, tmp_path
):
    storage = LocalStorage(tmp_path / "objects", crypto.KeyRing(bytes(range(32))))
    stored: dict[str, str] = {}

    def upload(label: str, *, fail: bool = False, pause: float = 0.0):
        def work(session: Session) -> str:
            session.execute(sa.insert(ROWS).values(label=label))
            data = io.BytesIO(f"%PDF-1.7 {label}".encode())
            stored[label] = storage.commit(storage.stage(data, max_bytes=CHUNK))
            remove_if_rolled_back(session, storage, stored[label])
            time.sleep(pause)
            if fail:
                raise Refused(label)
            return label

        return work

    _slow_then_three_together(app, upload)

    assert group_sizes == [3]
    assert _labels(app) == ["after", "before", "slow"]
    kept = {key for key, _ in storage.stored_objects()}
    assert kept == {stored["slow"], stored["before"], stored["after"]}
