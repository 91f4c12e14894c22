"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


@router.get("/healthz", name="health.live")
def healthz() -> dict[str, str]:
    """Answer while the process is alive; touches no database."""
    return {"status": "ok"}


# Further checks the application registers (e.g. document storage): each returns why the
# instance cannot serve, or None.
ReadinessCheck = Callable[[], str | None]


@router.get("/readyz", name="health.ready", response_model=None)
def readyz(request: Request) -> JSONResponse:
    """Answer 200 when the database and every registered dependency answer, else 503 and why."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("readiness check failed: %s", type(exc).__name__)
        return _unavailable("database unreachable")
    checks: list[ReadinessCheck] = getattr(request.app.state, "readiness_checks", [])
    for check in checks:
        problem = check()
        if problem is not None:
            logger.warning("readiness check failed: %s", problem)
            return _unavailable(problem)
    # Things that do not stop the instance from serving but that an operator must know.
    warnings: list[str] = getattr(request.app.state, "readiness_warnings", [])
    return JSONResponse({"status": "ok", **({"warnings": warnings} if warnings else {})})


def _unavailable(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
