"""Security headers on every response, and error pages for code that runs before routing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.templating import templates

logger = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# A downloaded file must never run as a page of this origin, even if a browser renders it.
ATTACHMENT_CSP = "sandbox; default-src 'none'"
HSTS = "max-age=31536000; includeSubDomains"
# Capability links live under these paths; their URLs must not leak through Referer or robots.
CAPABILITY_PREFIXES = ("/portal", "/p/")
STATIC_PREFIX = "/static/"
STATIC_VERSIONED_CACHE = "public, max-age=31536000, immutable"

_COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def is_capability_path(path: str) -> bool:
    """Tell whether a path belongs to the vendor portal (token-bearing URLs)."""
    return any(path == p.rstrip("/") or path.startswith(p) for p in CAPABILITY_PREFIXES)


def _apply_headers(headers: MutableHeaders, *, path: str, query: str, is_https: bool) -> None:
    for name, value in _COMMON_HEADERS.items():
        headers.setdefault(name, value)
    is_attachment = headers.get("content-disposition", "").lower().startswith("attachment")
    headers.setdefault("Content-Security-Policy", ATTACHMENT_CSP if is_attachment else PAGE_CSP)
    # Staff URLs name vendors and documents, portal URLs carry links: no page tells another
    # site where the reader came from (same-origin POSTs pass the CSRF check by Sec-Fetch-Site).
    headers["Referrer-Policy"] = "no-referrer"
    if is_capability_path(path):
        headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    if path.startswith(STATIC_PREFIX):
        # A fingerprinted URL (?v=<content hash>) never changes; any other is revalidated.
        is_versioned = any(part.startswith("v=") for part in query.split("&"))
        headers["Cache-Control"] = STATIC_VERSIONED_CACHE if is_versioned else "no-cache"
    else:
        # Pages show confidential data; shared caches and the back button must not keep them.
        headers.setdefault("Cache-Control", "no-store")
    if is_https:
        headers.setdefault("Strict-Transport-Security", HSTS)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, *, force_https: bool = False) -> None:
        self.app = app
        self.force_https = force_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        query = scope.get("query_string", b"").decode("latin-1")
        is_https = self.force_https or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                _apply_headers(headers, path=path, query=query, is_https=is_https)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: Starlette, *, force_https: bool = False) -> None:
    """Wrap the whole middleware stack, so that even the last-resort 500 page has the headers."""
    build_inner: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_outer() -> ASGIApp:
        return SecurityHeadersMiddleware(build_inner(), force_https=force_https)

    app.build_middleware_stack = build_outer  # type: ignore[method-assign]


def error_response(
    scope: Scope,
    *,
    status: int,
    title: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build the standard error page (JSON under /api/) from middleware, before routing."""
    code = {403: "forbidden", 429: "rate_limited"}.get(status, f"http_{status}")
    if scope.get("path", "").startswith("/api/"):
        body = {"error": {"code": code, "message": message, "details": {}}}
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))
    request = Request(scope)
    context = {"status": status, "title": title, "message": message}
    return templates.TemplateResponse(
        request, "errors/error.html", context, status_code=status, headers=dict(headers or {})
    )
