"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])
READINESS_TIMEOUT = 3.0  # seconds; load balancers usually wait five
RETRY_AFTER_SECONDS = 5
logger = logging.getLogger(__name__)


@router.get("/healthz", name="health.live")
def healthz() -> dict[str, str]:
    """Answer while the process is alive; touches no database."""
    return {"status": "ok"}


# Further checks the application registers (e.g. document storage): each returns why the
# instance cannot serve, or None.
ReadinessCheck = Callable[[], str | None]


@router.get("/readyz", name="health.ready", response_model=None)
async def readyz(request: Request) -> JSONResponse:
    """Answer 200 when the database and every registered dependency answer, else 503 and why.

    The checks run in a thread and are given READINESS_TIMEOUT seconds: a frozen database
    server accepts the connection and never answers, and no server-side timeout can fire
    then. One check at a time per instance, so probes cannot pile up threads behind it.
    """
    app = request.app
    guard: threading.Lock | None = getattr(app.state, "readiness_guard", None)
    if guard is None:  # no await since the lookup: no other probe can slip in between
        guard = app.state.readiness_guard = threading.Lock()
    if not guard.acquire(blocking=False):
        return _unavailable("the previous check is still waiting for the database")
    work = asyncio.get_running_loop().run_in_executor(None, _checked, app, guard)
    try:
        problem = await asyncio.wait_for(work, READINESS_TIMEOUT)
    except TimeoutError:
        problem = f"database did not answer within {READINESS_TIMEOUT:g} seconds"
    if problem is not None:
        logger.warning("readiness check failed: %s", problem)
        return _unavailable(problem)
    # Things that do not stop the instance from serving but that an operator must know.
    warnings: list[str] = getattr(app.state, "readiness_warnings", [])
    return JSONResponse({"status": "ok", **({"warnings": warnings} if warnings else {})})


def _checked(app: Any, guard: threading.Lock) -> str | None:
    try:
        return _problem(app)
    finally:
        guard.release()


def _problem(app: Any) -> str | None:
    try:
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("readiness check failed: %s", type(exc).__name__)
        return "database unreachable"
    checks: list[ReadinessCheck] = getattr(app.state, "readiness_checks", [])
    for check in checks:
        problem = check()
        if problem is not None:
            return problem
    return None


def _unavailable(reason: str) -> JSONResponse:
    body = {"status": "unavailable", "reason": reason}
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
