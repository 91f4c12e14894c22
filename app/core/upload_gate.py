"""Refuse upload requests from callers who may not upload, before their body is read.

FastAPI parses a multipart body before any dependency runs, so without this gate an
anonymous caller could make the server spool a large file to disk just to be told no. A caller
who may upload is also counted against the ``upload`` rate limit (per portal session or per
staff user, whichever way the file comes), again before the body is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.ratelimit import RateLimiter
from app.core.security import error_response


@dataclass(frozen=True)
class Refusal:
    """Why an upload is refused: 401 for an unknown caller, 403 for one not allowed to."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)


def _over_limit(scope: Scope, caller: str) -> Refusal | None:
    limiter: RateLimiter = scope["app"].state.rate_limiter
    retry_after = limiter.hit("upload", caller)
    if retry_after is None:
        return None
    minutes = max(1, round(retry_after / 60))
    return Refusal(
        429,
        f"You have uploaded many files in the last hour. Please wait about {minutes} minute"
        f"{'s' if minutes != 1 else ''}, then upload again.",
        {"Retry-After": str(retry_after)},
    )


@dataclass(frozen=True)
class GateRule:
    """Uploads to paths matching ``pattern`` go on when ``check(connection)`` names the caller.

    The check returns a Refusal, or the key the caller's uploads are counted under.
    """

    pattern: re.Pattern[str]
    check: Callable[[HTTPConnection], Refusal | str]


class UploadGateMiddleware:
    """Pure ASGI middleware answering a refused upload without reading its body."""

    def __init__(self, app: ASGIApp, *, rules: Sequence[GateRule]) -> None:
        self.app = app
        self.rules = tuple(rules)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            path = scope.get("path", "")
            for rule in self.rules:
                if rule.pattern.fullmatch(path):
                    outcome = await run_in_threadpool(rule.check, HTTPConnection(scope))
                    refusal = (
                        outcome if isinstance(outcome, Refusal) else _over_limit(scope, outcome)
                    )
                    if refusal is not None:
                        response = error_response(
                            scope,
                            status=refusal.status,
                            title="Not allowed" if refusal.status != 429 else "Too many uploads",
                            message=refusal.message,
                            headers={"Connection": "close", **refusal.headers},
                        )
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)
