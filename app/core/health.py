"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import logging

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


@router.get("/readyz", name="health.ready", response_model=None)
def readyz(request: Request) -> JSONResponse:
    """Answer 200 when the database is reachable, 503 with the reason otherwise."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("readiness check failed: %s", type(exc).__name__)
        return JSONResponse(
            {"status": "unavailable", "reason": "database unreachable"}, status_code=503
        )
    return JSONResponse({"status": "ok"})
