"""Refusals worth an audit trail (CSRF, rate limits, denials, expired links), reported here.

Core code that refuses a request cannot import the audit log (it sits above core), so it
reports to the sink that start-up puts in ``app.state.security_events``; without one (a test
app, a command) a report goes only to the application log. A report never fails a request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Scope

from app.core.logging import redact

logger = logging.getLogger(__name__)

CSRF_REFUSED = "csrf_refused"
RATE_LIMITED = "rate_limited"
ACCESS_DENIED = "access_denied"
EXPIRED_LINK_USED = "expired_link_used"


@dataclass(frozen=True)
class SecurityEvent:
    """One refusal: what kind, where, from which address, by which signed-in user if any."""

    kind: str
    method: str
    path: str
    address: str
    user_id: int | None
    detail: dict[str, str] = field(default_factory=dict)


SecurityEventSink = Callable[[Any, SecurityEvent], Awaitable[None]]


def _address(scope: Scope) -> str:
    client = scope.get("client")  # uvicorn resolves trusted proxy headers before this
    return str(client[0]) if client else "unknown"


def _user_id(scope: Scope) -> int | None:
    user = scope.get("state", {}).get("user")
    user_id = getattr(user, "id", None)
    return user_id if isinstance(user_id, int) else None


async def report(scope: Scope, kind: str, **detail: str) -> None:
    """Hand a refusal to the configured sink; tokens in the path are redacted first."""
    app = scope.get("app")
    sink: SecurityEventSink | None = getattr(getattr(app, "state", None), "security_events", None)
    if sink is None:
        return
    event = SecurityEvent(
        kind=kind,
        method=str(scope.get("method", "")),
        path=redact(str(scope.get("path", "")))[:300],
        address=_address(scope),
        user_id=_user_id(scope),
        detail={key: redact(value)[:200] for key, value in detail.items()},
    )
    try:
        await sink(app, event)
    except Exception:  # the refusal stands whether or not its record could be written
        logger.exception("recording the security event %s failed", kind)
