"""Write transactions for async routes: off the event loop, one writer per database, grouped.

SQLite has one write lock per database. Writers that race for it sleep in the busy handler
(p99 of seconds under load, see docs/benchmarks.md), and every commit waits for the disk. So
each process sends its writes to one thread per database that runs them one after another, and
the writes that queued up meanwhile share a transaction, each in its own savepoint: one failing
rolls back only itself, and one commit (one disk flush) makes the whole group durable before any
of them is answered. PostgreSQL gains from the same grouping: every write appends to the audit
chain under one lock held until commit, so concurrent transactions would queue for it anyway,
and a group takes that lock and flushes the log once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import write_session

T = TypeVar("T")
MAX_GROUP = 32  # bounds how long the first write of a group waits for the last one


@dataclass
class _Write(Generic[T]):
    app: Any
    work: Callable[[Session], T]
    future: asyncio.Future[T]
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    result: T | None = None
    error: BaseException | None = None

    def run(self, session: Session) -> None:
        """Run the work in its context, keeping its result or its error."""
        try:
            self.result = self.context.run(self.work, session)
        except Exception as exc:
            self.error = exc

    def settle(self, failure: BaseException | None = None) -> None:
        """Hand the outcome to the waiting route (from the writer thread)."""
        error = failure or self.error
        with contextlib.suppress(RuntimeError):  # the route's event loop has closed meanwhile
            self.future.get_loop().call_soon_threadsafe(
                _settle_future, self.future, self.result, error
            )


def _settle_future(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the client went away; the write itself stands
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class GroupWriter:
    """One thread that runs the write transactions on one database, grouped."""

    def __init__(self) -> None:
        self.pending: queue.SimpleQueue[_Write[Any]] = queue.SimpleQueue()
        self.held_over: _Write[Any] | None = None
        self.thread = threading.Thread(target=self._serve, name="db-writer", daemon=True)
        self.thread.start()

    def submit(self, app: Any, work: Callable[[Session], T]) -> asyncio.Future[T]:
        """Queue a write; the future settles once it is committed (or failed)."""
        write = _Write(app, work, asyncio.get_running_loop().create_future())
        self.pending.put(write)
        return write.future

    def _next_group(self) -> list[_Write[Any]]:
        first, self.held_over = self.held_over or self.pending.get(), None
        group = [first]
        while len(group) < MAX_GROUP:
            try:
                write = self.pending.get_nowait()
            except queue.Empty:
                break
            if write.app is not first.app:  # another app instance (tests): its own session
                self.held_over = write
                break
            group.append(write)
        return group

    def _serve(self) -> None:
        while True:
            group = self._next_group()
            if len(group) == 1:
                _commit_alone(group[0])
            else:
                _commit_together(group)


def _commit_alone(write: _Write[Any]) -> None:
    # Its own transaction: a failure rolls all of it back, as in a synchronous route.
    try:
        with write_session(write.app) as session:
            write.result = write.context.run(write.work, session)
    except Exception as exc:
        write.error = exc
    write.settle()


def _commit_together(group: list[_Write[Any]]) -> None:
    try:
        with write_session(group[0].app) as session:
            for write in group:
                savepoint = session.begin_nested()
                write.run(session)
                if write.error is None:
                    savepoint.commit()
                else:
                    savepoint.rollback()
    except Exception as exc:  # the commit failed: none of the group is durable
        for write in group:
            write.settle(exc)
        return
    for write in group:
        write.settle()


_writers: dict[Engine, GroupWriter] = {}
_writers_lock = threading.Lock()


def _writer_for(engine: Engine) -> GroupWriter:
    with _writers_lock:
        writer = _writers.get(engine)
        if writer is None:
            writer = _writers[engine] = GroupWriter()
        return writer


async def run_write(app: Any, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a committed write transaction off the event loop; return its result.

    ``work`` must not commit (it may share a transaction); when it raises, its own changes
    are rolled back and the error is raised here.
    """
    engine: Engine = app.state.engine
    return await _writer_for(engine).submit(app, work)
