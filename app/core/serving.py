"""How uvicorn serves the application: shared by `diligence serve` and the tests.

uvicorn bounds the idle time between requests but not how long a client may take to send
one, so a slow client (a slowloris) could hold connections open forever: the request line
and headers must arrive within HEADER_TIMEOUT (here), each part of a body within
BODY_CHUNK_TIMEOUT (``SlowBodyTimeout``, an ASGI middleware).
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import Settings

HEADER_TIMEOUT = 10.0  # seconds from the connection (or the request's first byte) to its headers
BODY_CHUNK_TIMEOUT = 30.0  # seconds a request body may pause between two parts


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing connections whose headers arrive too slowly."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(HEADER_TIMEOUT, self.transport.close)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None


class SlowBodyTimeout:
    """Answer 408 when a request body stalls; the handler then sees the client gone."""

    def __init__(self, app: ASGIApp, *, chunk_timeout: float = BODY_CHUNK_TIMEOUT) -> None:
        self.app = app
        self.chunk_timeout = chunk_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False
        started = False
        answered = False

        async def timed_receive() -> Message:
            nonlocal body_done, answered
            if body_done:  # afterwards only a disconnect comes, whenever it comes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.chunk_timeout)
            except TimeoutError:
                body_done = True
                if not started:
                    answered = True
                    await send(_TOO_SLOW_START)
                    await send(_TOO_SLOW_BODY)
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:  # the 408 went out already
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, timed_receive, guarded_send)


_TOO_SLOW_START: Message = {
    "type": "http.response.start",
    "status": 408,
    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")],
}
_TOO_SLOW_BODY: Message = {"type": "http.response.body", "body": b"The request came too slowly."}


def server_options(settings: Settings) -> dict[str, Any]:
    """Return uvicorn's options for this deployment (host and port aside)."""
    return {
        # "Server: uvicorn" only tells an attacker which server and version to look up.
        "server_header": False,
        "proxy_headers": settings.is_production,
        "log_level": settings.log_level.lower(),
        "http": HeaderTimeoutProtocol,
        "timeout_keep_alive": 5,
    }
