"""Stored objects follow the transaction of the rows that name them, savepoints included.

A session often holds several changes in savepoints of one transaction (the writes of one group
commit): a savepoint rolled back must take its own objects and nothing else, and nothing is
settled before the outermost transaction ends.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.reports import crypto
from app.reports.storage import CHUNK, LocalStorage
from app.reports.stored_objects import delete_after_commit, remove_if_rolled_back

pytestmark = pytest.mark.db


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path, crypto.KeyRing(bytes(range(32))))


def _stored(storage: LocalStorage) -> set[str]:
    return {key for key, _ in storage.stored_objects()}


def _object(storage: LocalStorage) -> str:
    return storage.commit(storage.stage(io.BytesIO(b"%PDF-1.7 a report"), max_bytes=CHUNK))


def _write(session: Session, storage: LocalStorage) -> str:
    key = _object(storage)
    remove_if_rolled_back(session, storage, key)
    return key


def test_a_savepoint_rolled_back_takes_its_own_objects_and_no_other(engine: Engine, storage):
    with Session(engine) as session:
        session.connection()
        outer = _write(session, storage)  # an upload's row and object, then its job failed
        undone = session.begin_nested()
        _write(session, storage)
        undone.rollback()
        with session.begin_nested():
            released = _write(session, storage)
        assert _stored(storage) == {outer, released}
        session.commit()
    assert _stored(storage) == {outer, released}


def test_an_outer_rollback_takes_the_objects_of_released_savepoints(engine: Engine, storage):
    with Session(engine) as session:
        session.connection()
        with session.begin_nested():
            _write(session, storage)
        _write(session, storage)
        session.rollback()
    assert _stored(storage) == set()
    with Session(engine) as session:  # closed without a commit
        session.connection()
        _write(session, storage)
    assert _stored(storage) == set()


def test_deletions_happen_once_the_outer_transaction_commits(engine: Engine, storage):
    removed, kept_by_savepoint, kept_by_rollback = (_object(storage) for _ in range(3))
    with Session(engine) as session:
        session.connection()
        with session.begin_nested():
            delete_after_commit(session, storage, removed)
        undone = session.begin_nested()
        delete_after_commit(session, storage, kept_by_savepoint)
        undone.rollback()
        assert removed in _stored(storage)  # a released savepoint settles nothing
        session.commit()
    assert _stored(storage) == {kept_by_savepoint, kept_by_rollback}
    with Session(engine) as session:
        session.connection()
        with session.begin_nested():
            delete_after_commit(session, storage, kept_by_rollback)
        session.rollback()
    assert _stored(storage) == {kept_by_savepoint, kept_by_rollback}
