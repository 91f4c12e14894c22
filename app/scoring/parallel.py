"""Rescoring groups of vendors in worker processes, each group in its own transaction.

Reading, scoring and storing a group needs nothing from any other group, so several processes
can do them at once; the caller only hands out the groups and gathers the counts. Workers are
forked when the caller runs a single thread (the CLI): they start at once, with the code and
the ORM session hooks (the dashboard summary) already installed. A caller running threads (the
job worker) spawns them instead, because forking a threaded process is unsafe; a spawned worker
first installs the same session hooks as the caller, about a second.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import partial
from itertools import repeat
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from app.core import session_hooks
from app.core.db import create_db_engine, is_sqlite
from app.scoring.domain.policy import Policy
from app.scoring.policy_loader import load_default_policy

logger = logging.getLogger(__name__)
T = TypeVar("T")
GroupWork = Callable[..., T]  # (engine, vendor_ids, *, as_of, policy) -> T
# Below this many vendors, starting the workers (up to a second) costs more than it saves.
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


def _start_worker(
    database_url: str, inherited: Engine | None, modules: list[str], hooks: list[str]
) -> None:
    global _worker_engine
    if inherited is not None:
        # A forked worker holds copies of the caller's pooled connections: never use or close
        # them (that would end the caller's), open its own.
        inherited.dispose(close=False)
    # A spawned worker starts empty: load the caller's tables (foreign keys between features
    # resolve by name) and install its session hooks (the dashboard summary).
    for name in modules:
        importlib.import_module(name)
    session_hooks.install_by_name(hooks)
    _worker_engine = create_db_engine(database_url, pool_size=1)


def _start_method() -> str:
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    return "fork" if can_fork and threading.active_count() == 1 else "spawn"


def _work_in_worker(work: GroupWork[T], vendor_ids: list[int], as_of: date) -> T:
    assert _worker_engine is not None, "worker started without its database"
    policy: Policy = load_default_policy()
    return work(_worker_engine, vendor_ids, as_of=as_of, policy=policy)


def run_groups(
    engine: Engine,
    groups: Sequence[list[int]],
    *,
    as_of: date,
    workers: int,
    work: GroupWork[T],
) -> Iterator[T]:
    """Yield ``work(engine, group, as_of=..., policy=...)`` of each group, in order.

    ``work`` runs in a worker process on its own engine for the same database, and must be a
    module-level function (it is sent to the workers by name).
    """
    if not groups:
        return
    method = _start_method()
    spawned = method != "fork"
    modules = sorted(m for m in sys.modules if m.startswith("app.")) if spawned else []
    hooks = session_hooks.installed() if spawned else []
    processes = min(workers, len(groups))
    logger.info("%d groups in %d worker processes (%s)", len(groups), processes, method)
    pool = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(
            engine.url.render_as_string(hide_password=False),
            engine if method == "fork" else None,
            modules,
            hooks,
        ),
    )
    try:
        yield from pool.map(partial(_work_in_worker, work), groups, repeat(as_of))
    finally:
        # On an error (or when the caller stops early) the groups not yet started are dropped.
        pool.shutdown(wait=True, cancel_futures=True)
