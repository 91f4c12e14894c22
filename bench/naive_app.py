"""The ceiling to beat: one SQLModel INSERT + COMMIT per request, written the obvious way.

A bench-only ASGI application (never part of the product): a sync ``def`` endpoint with the
product's per-request session dependency and engine settings, served by the same uvicorn
command as the application. ``portal_load.py`` runs it next to the vendor portal.

    cd bench && uvicorn naive_app:create_app --factory   (DILIGENCE_DATABASE_URL set)
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from sqlmodel import Field, SQLModel

from app.core.config import get_settings
from app.core.db import SessionDep, UTCDateTime, create_db_engine, utcnow


class BenchRow(SQLModel, table=True):
    """One row per request."""

    __tablename__ = "bench_naive_row"

    id: int | None = Field(default=None, primary_key=True)
    payload: str = Field(sa_type=sa.String(200))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def create_app() -> FastAPI:
    """Build the naive application on the configured database."""
    settings = get_settings()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = create_db_engine(settings.database_url, pool_size=settings.db_pool_size)
    BenchRow.__table__.create(app.state.engine, checkfirst=True)  # type: ignore[attr-defined]

    @app.get("/healthz")
    def health() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.post("/rows/{key}")
    def insert_row(session: SessionDep, key: str) -> PlainTextResponse:
        row = BenchRow(payload=key)
        session.add(row)
        session.commit()
        return PlainTextResponse(str(row.id))

    return app
