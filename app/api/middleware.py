"""Authentication answers of the API that must come before the CSRF check (RFC 6750).

A write with no Authorization header and no cookies at all is a program that forgot its
token, never a forged browser request: it is answered 401 with the standard error body rather
than the CSRF refusal. Anything carrying cookies still meets the CSRF check first. Every 401
under /api/ carries ``WWW-Authenticate: Bearer``.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PATH_PREFIX = "/api/"
CHALLENGE = 'Bearer realm="diligence"'
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _is_anonymous(scope: Scope) -> bool:
    headers = Headers(scope=scope)
    return "authorization" not in headers and "cookie" not in headers


def _not_authenticated() -> JSONResponse:
    body = {
        "error": {
            "code": "not_authenticated",
            "message": "Send an API token: Authorization: Bearer <token>.",
            "details": {},
        }
    }
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": CHALLENGE})


class ApiAuthenticationMiddleware:
    """Pure ASGI middleware: 401 for anonymous writes, and the bearer challenge on each 401."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(API_PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in _SAFE_METHODS and _is_anonymous(scope):
            await _not_authenticated()(scope, receive, send)
            return

        async def send_with_challenge(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                MutableHeaders(scope=message).setdefault("WWW-Authenticate", CHALLENGE)
            await send(message)

        await self.app(scope, receive, send_with_challenge)
