"""Refuse upload requests from callers who may not upload, before their body is read.

FastAPI parses a multipart body before any dependency runs, so without this gate an
anonymous caller could make the server spool a large file to disk just to be told no.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.security import error_response


@dataclass(frozen=True)
class Refusal:
    """Why an upload is refused: 401 for an unknown caller, 403 for one not allowed to."""

    status: int
    message: str


@dataclass(frozen=True)
class GateRule:
    """Uploads to paths matching ``pattern`` go on when ``check(connection)`` returns None."""

    pattern: re.Pattern[str]
    check: Callable[[HTTPConnection], Refusal | None]


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
                    refusal = await run_in_threadpool(rule.check, HTTPConnection(scope))
                    if refusal is not None:
                        response = error_response(
                            scope,
                            status=refusal.status,
                            title="Not allowed",
                            message=refusal.message,
                            headers={"Connection": "close"},
                        )
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)
