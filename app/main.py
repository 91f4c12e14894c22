"""Application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.auth.routes import router as auth_router
from app.core.config import Settings, get_settings
from app.core.db import get_engine
from app.core.handlers import install_error_handlers
from app.core.health import router as health_router
from app.core.logging import configure_logging
from app.reviews.routes import router as reviews_router
from app.vendors.routes import router as vendors_router

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application: routers, static files and error handlers; no logic."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Diligence",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.database_url, pool_size=settings.db_pool_size)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health_router)
    app.include_router(auth_router)
    app.include_router(reviews_router)
    app.include_router(vendors_router)
    install_error_handlers(app)
    return app
