"""Named rate limits (429 + Retry-After), counted with the ``limits`` library.

The default store is in process memory: right for one SQLite instance, but with N worker
processes each keeps its own counters (the effective limit becomes N x). For several workers or
hosts set ``DILIGENCE_RATE_LIMIT_STORAGE`` to a shared store that ``limits`` understands (e.g.
``redis://host:6379``, with the ``redis`` package installed); nothing else changes.

Routes declare a limit by name: ``dependencies=[Depends(rate_limit("upload"))]``. Paths under the
vendor portal are limited by ``RateLimitMiddleware`` before any handler (or form parsing) runs.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import Response
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core import security_events
from app.core.errors import DiligenceError
from app.core.rows import id_of
from app.core.security import error_response, is_capability_path

logger = logging.getLogger(__name__)

DEFAULT_LIMITS: Mapping[str, str] = {
    "login": "10/minute",  # per client address
    # Failed sign-ins per e-mail address from one client address: that address waits, the
    # account's owner elsewhere does not (no lock anyone can set on someone else's account).
    "login_failures_here": "5/15minutes",
    # Failed sign-ins per e-mail address from anywhere: a counter that slows each new attempt.
    "login_failures": "100000/15minutes",
    "sso": "20/minute",
    # Using a link (landing and exchange) is where a guesser would knock: keep it tight. Inside
    # a portal session answers autosave as the vendor types, so that allowance is generous.
    "portal_link": "20/minute",
    "portal": "600/minute",
    "upload": "30/hour",
    "export": "10/hour",
    "password_reset": "5/hour",
    # Changing one's own password checks the current one: a stolen session must not be able
    # to guess it at leisure.
    "password_change": "10/hour",
    # Per user across their API tokens: room for busy automation, a stop for a runaway loop.
    "api": "1200/minute",
}


class RateLimited(DiligenceError):
    status_code = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int, limit: str = "") -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
        self.limit = limit


class RateLimiter:
    """Count hits per (limit name, key) and tell when a limit is exceeded."""

    def __init__(self, overrides: Mapping[str, str] | None = None, storage: str = "memory://"):
        specs = {**DEFAULT_LIMITS, **(overrides or {})}
        self.items: dict[str, RateLimitItem] = {name: parse(spec) for name, spec in specs.items()}
        self.strategy = MovingWindowRateLimiter(storage_from_string(storage))

    def hit(self, name: str, key: str) -> int | None:
        """Count one hit; return the seconds to wait when over the limit, else None."""
        item = self.items.get(name)
        if item is None:
            raise KeyError(f"unknown rate limit {name!r}; add it to DEFAULT_LIMITS")
        if self.strategy.hit(item, name, key):
            return None
        reset_at = self.strategy.get_window_stats(item, name, key).reset_time
        logger.warning("ratelimit.triggered %s", name)
        return max(1, math.ceil(reset_at - time.time()))

    def _item(self, name: str) -> RateLimitItem:
        item = self.items.get(name)
        if item is None:
            raise KeyError(f"unknown rate limit {name!r}; add it to DEFAULT_LIMITS")
        return item

    def exhausted(self, name: str, key: str) -> int | None:
        """Without counting a hit, return the seconds to wait when the limit is used up."""
        item = self._item(name)
        if self.strategy.test(item, name, key):
            return None
        reset_at = self.strategy.get_window_stats(item, name, key).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def count(self, name: str, key: str) -> int:
        """Return how many hits the key has within the limit's window."""
        item = self._item(name)
        return item.amount - self.strategy.get_window_stats(item, name, key).remaining

    def clear(self, name: str, key: str) -> None:
        """Forget one key's hits (a successful sign-in clears its failures)."""
        self.strategy.clear(self._item(name), name, key)

    def check(self, name: str, key: str) -> None:
        """Count one hit and raise RateLimited when over the limit."""
        retry_after = self.hit(name, key)
        if retry_after is not None:
            raise RateLimited(
                f"Too many attempts. Please wait {retry_after} seconds and try again.",
                retry_after=retry_after,
                limit=name,
            )

    def reset(self) -> None:
        """Forget every counter (tests, or an operator clearing a lock-out)."""
        self.strategy.storage.reset()


def client_address(scope: Scope) -> str:
    """Return the client's address (uvicorn resolves trusted proxy headers before this)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def rate_limit(name: str, *, per: Literal["ip", "user"] = "ip") -> Callable[[Request], None]:
    """Build a dependency that counts the request against the named limit.

    ``per="user"`` keys by the signed-in staff user (set on ``request.state.user`` by the
    permission check) and falls back to the client address.
    """

    def check_rate_limit(request: Request) -> None:
        key = client_address(request.scope)
        user = getattr(request.state, "user", None)
        if per == "user" and user is not None:
            key = f"user:{id_of(user)}"
        limiter: RateLimiter = request.app.state.rate_limiter
        limiter.check(name, key)

    return check_rate_limit


def _portal_limit_name(path: str) -> str:
    is_link = path.startswith(("/portal/dlg_p_", "/portal/exchange", "/p/"))
    return "portal_link" if is_link else "portal"


class RateLimitMiddleware:
    """Limit the vendor portal's paths per client address before any handler runs."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if is_capability_path(path):
            retry_after = self.limiter.hit(_portal_limit_name(path), client_address(scope))
            if retry_after is not None:
                await security_events.report(
                    scope, security_events.RATE_LIMITED, limit=_portal_limit_name(path)
                )
                response = error_response(
                    scope,
                    status=429,
                    title=RateLimited.title,
                    message="Too many requests. Please wait a moment and try again.",
                    headers={"Retry-After": str(retry_after)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _handle_rate_limited(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    await security_events.report(request.scope, security_events.RATE_LIMITED, limit=exc.limit)
    return error_response(
        request.scope,
        status=429,
        title=exc.title,
        message=exc.message,
        headers={"Retry-After": str(exc.retry_after)},
    )


def install_rate_limits(app: FastAPI, limiter: RateLimiter) -> None:
    """Attach the limiter, the portal middleware and the 429 page to the application."""
    app.state.rate_limiter = limiter
    app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_exception_handler(RateLimited, _handle_rate_limited)
