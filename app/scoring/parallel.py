"""Scoring groups of vendors in worker processes while the caller stores the results.

Reading and scoring are most of a full rescore's time and need nothing from the caller's
transaction, so several processes can do them at once; storing stays in the caller, one
transaction as before. Workers are spawned, not forked: forking a process that holds database
connections or runs threads (the job worker does) is unsafe.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import partial
from itertools import repeat
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import create_db_engine, is_sqlite
from app.scoring.policy import Policy
from app.scoring.policy_loader import load_default_policy

T = TypeVar("T")
ScoreGroup = Callable[..., T]  # (session, vendor_ids, *, as_of, policy) -> T
# Below this many vendors, starting the workers (about a second each) costs more than it saves.
PARALLEL_MIN_VENDORS = 2_000

_worker_engine: Engine | None = None


def default_workers() -> int:
    """Return how many scoring processes to use: one per core, at most eight."""
    return max(1, min(os.cpu_count() or 1, 8))


def worth_it(session: Session, vendors: int) -> bool:
    """Tell whether workers would pay off: enough vendors, on a database they can open too.

    A session bound to a connection works inside someone else's transaction, which the
    workers' own connections could not see.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return False
    in_memory = is_sqlite(str(bind.url)) and bind.url.database in (None, "", ":memory:")
    return vendors >= PARALLEL_MIN_VENDORS and not in_memory


def _start_worker(database_url: str) -> None:
    global _worker_engine
    _worker_engine = create_db_engine(database_url, pool_size=1)


def _score_in_worker(score: ScoreGroup[T], vendor_ids: list[int], as_of: date) -> T:
    assert _worker_engine is not None, "worker started without its database"
    policy: Policy = load_default_policy()
    with Session(_worker_engine) as session:
        return score(session, vendor_ids, as_of=as_of, policy=policy)


def score_groups(
    session: Session,
    groups: Sequence[list[int]],
    *,
    as_of: date,
    workers: int,
    score: ScoreGroup[T],
) -> Iterator[T]:
    """Yield ``score(session, group, as_of=..., policy=...)`` of each group, in order.

    ``score`` must be a module-level function (it is sent to the workers by name).
    """
    if not groups:
        return
    database_url = session.get_bind().engine.url.render_as_string(hide_password=False)
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(groups)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(database_url,),
    )
    try:
        yield from pool.map(partial(_score_in_worker, score), groups, repeat(as_of))
    finally:
        # On an error (or when the caller stops early) the groups not yet started are dropped.
        pool.shutdown(wait=True, cancel_futures=True)
