"""How uvicorn serves the application: shared by `diligence serve` and the tests."""

from __future__ import annotations

from typing import Any

from app.core.config import Settings


def server_options(settings: Settings) -> dict[str, Any]:
    """Return uvicorn's options for this deployment (host and port aside)."""
    return {
        # "Server: uvicorn" only tells an attacker which server and version to look up.
        "server_header": False,
        "proxy_headers": settings.is_production,
        "log_level": settings.log_level.lower(),
    }
