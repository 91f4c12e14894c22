"""CSRF protection for every state-changing request: signed double-submit plus Fetch Metadata.

Each browser gets a random secret in an HttpOnly cookie. Forms carry ``HMAC(key, secret)``; a
forged request cannot produce it because it can neither read the cookie nor knows the key.
This covers staff pages, the sign-in form (before any session exists) and the vendor portal
(which has no staff session). Cross-site requests are refused outright via ``Sec-Fetch-Site``
and ``Origin``. Requests that authenticate with an ``Authorization: Bearer`` header are exempt:
browsers never attach that header on their own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import security_events
from app.core.security import error_response

logger = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
COOKIE_NAME = "dlg_csrf"
SECURE_COOKIE_NAME = "__Host-dlg_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The token must appear within this many bytes of a multipart body; templates put it first.
MAX_SCAN_BYTES = 64 * 1024
MAX_FORM_BYTES = 1024 * 1024
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_BOUNDARY_PATTERN = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


def make_token(signing_key: str, secret: str) -> str:
    """Return the form token for a browser's CSRF secret."""
    digest = hmac.new(signing_key.encode(), f"csrf\n{secret}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def is_valid_token(signing_key: str, secret: str, token: str) -> bool:
    """Tell, in constant time, whether a presented token belongs to the secret."""
    return hmac.compare_digest(make_token(signing_key, secret), token)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is the sender's problem, not ours
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def cross_site_reason(scope: Scope, headers: dict[str, str]) -> str | None:
    """Return why a request comes from another site, or None when it may be same-origin."""
    fetch_site = headers.get("sec-fetch-site", "").lower()
    if fetch_site in {"cross-site", "same-site"}:
        return f"Sec-Fetch-Site: {fetch_site}"
    origin = headers.get("origin")
    if origin is None:
        return None
    if origin == "null":
        # Pages sent with Referrer-Policy: no-referrer (the portal) make browsers post with
        # Origin: null. Only a browser that says the request is same-origin passes; the
        # signed token is checked either way.
        return None if fetch_site == "same-origin" else "opaque Origin"
    host = headers.get("host", "")
    expected = f"{scope.get('scheme', 'http')}://{host}"
    parsed = urlsplit(origin)
    if f"{parsed.scheme}://{parsed.netloc}" != expected:
        return "Origin differs from the host"
    return None


class _BodyReplay:
    """Read the start of a request body, then hand the same bytes on to the application."""

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.buffered: list[Message] = []
        self.prefix = b""
        self.is_complete = False

    async def read_prefix(self, limit: int, stop: Callable[[bytes], bool]) -> bytes:
        while not self.is_complete and len(self.prefix) < limit and not stop(self.prefix):
            message = await self.receive()
            self.buffered.append(message)
            if message["type"] != "http.request":
                self.is_complete = True
                break
            self.prefix += message.get("body", b"")
            self.is_complete = not message.get("more_body", False)
        return self.prefix

    async def __call__(self) -> Message:
        if self.buffered:
            return self.buffered.pop(0)
        return await self.receive()


def _token_in_urlencoded(body: bytes) -> str | None:
    values = parse_qs(body.decode("latin-1"), max_num_fields=1000).get(CSRF_FIELD)
    return values[0] if values else None


def _multipart_pattern(content_type: str) -> re.Pattern[bytes] | None:
    match = _BOUNDARY_PATTERN.search(content_type)
    if match is None:
        return None
    boundary = re.escape(match.group(1).encode("latin-1"))
    return re.compile(
        rb'content-disposition:[^\r\n]*name="'
        + CSRF_FIELD.encode()
        + rb'"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9_-]{1,128})\r\n--'
        + boundary,
        re.IGNORECASE,
    )


async def presented_token(headers: dict[str, str], body: _BodyReplay) -> str | None:
    """Find the token in the header, a url-encoded form or the first 64 KiB of a multipart form."""
    if token := headers.get(CSRF_HEADER):
        return token
    content_type = headers.get("content-type", "").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        prefix = await body.read_prefix(MAX_FORM_BYTES, lambda _: False)
        return _token_in_urlencoded(prefix) if body.is_complete else None
    if content_type.startswith("multipart/form-data"):
        pattern = _multipart_pattern(headers.get("content-type", ""))
        if pattern is None:
            return None
        prefix = await body.read_prefix(MAX_SCAN_BYTES, lambda data: bool(pattern.search(data)))
        match = pattern.search(prefix)
        return match.group(1).decode() if match else None
    return None


class CsrfMiddleware:
    """Pure ASGI middleware: issue the CSRF cookie and check every unsafe request."""

    def __init__(self, app: ASGIApp, *, signing_key: str, secure: bool) -> None:
        self.app = app
        self.signing_key = signing_key
        self.secure = secure
        self.cookie_name = SECURE_COOKIE_NAME if secure else COOKIE_NAME

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        secret = _cookie(headers, self.cookie_name)
        is_new = secret is None or not _SECRET_PATTERN.match(secret)
        if secret is None or is_new:
            secret = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = make_token(self.signing_key, secret)
        body = _BodyReplay(receive)
        if scope["method"] not in SAFE_METHODS and not _is_bearer(headers):
            reason = cross_site_reason(scope, headers)
            if reason is None and is_new:
                reason = "no CSRF cookie"
            if reason is None:
                token = await presented_token(headers, body)
                if token is None or not is_valid_token(self.signing_key, secret, token):
                    reason = "missing or wrong CSRF token"
            if reason is not None:
                await self._reject(scope, receive, send, reason)
                return
        await self.app(scope, body, self._send_cookie(send, secret if is_new else None))

    def _send_cookie(self, send: Send, new_secret: str | None) -> Send:
        async def send_with_cookie(message: Message) -> None:
            if new_secret is not None and message["type"] == "http.response.start":
                attributes = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{self.cookie_name}={new_secret}; {attributes}"
                )
            await send(message)

        return send_with_cookie

    async def _reject(self, scope: Scope, receive: Receive, send: Send, reason: str) -> None:
        logger.warning("csrf.rejected %s %s: %s", scope["method"], scope.get("path"), reason)
        await security_events.report(scope, security_events.CSRF_REFUSED, reason=reason)
        response = error_response(
            scope,
            status=403,
            title="Request refused",
            message="This form has expired or did not come from this site. "
            "Go back, reload the page and try again.",
        )
        await response(scope, receive, send)


def _is_bearer(headers: dict[str, str]) -> bool:
    return headers.get("authorization", "").lower().startswith("bearer ")


@pass_context
def _csrf_token(context: Context) -> str:
    request = context.get("request")
    state = getattr(request, "state", None)
    return str(getattr(state, "csrf_token", "")) if state is not None else ""


@pass_context
def _csrf_input(context: Context) -> Markup:
    token = _csrf_token(context)
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def register_template_globals(env: Environment) -> None:
    """Make ``csrf_input()`` and ``csrf_token()`` available to every template."""
    env.globals["csrf_input"] = _csrf_input
    env.globals["csrf_token"] = _csrf_token
