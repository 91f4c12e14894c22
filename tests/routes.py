"""Walk an application's routes, including those of included routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def iter_routes(routes: list[Any]) -> Iterator[Any]:
    """Yield every leaf route, descending into included routers."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from iter_routes(list(included.routes))
        else:
            yield route


def route_names(app: Any) -> set[str]:
    """Return the name of every route of the application."""
    return {
        name for route in iter_routes(list(app.routes)) if (name := getattr(route, "name", None))
    }
