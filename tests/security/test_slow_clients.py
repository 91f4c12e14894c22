"""Slow clients are cut off: headers within seconds, and no endless pause inside a body."""

from __future__ import annotations

import socket
import time

import pytest

from app.core import serving
from tests.live_server import live_server


@pytest.fixture
def quick_timeouts(monkeypatch):
    monkeypatch.setattr(serving, "HEADER_TIMEOUT", 1.0)
    monkeypatch.setitem(serving.SlowBodyTimeout.__init__.__kwdefaults__, "chunk_timeout", 1.0)


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def test_a_client_that_never_finishes_its_headers_is_disconnected(tmp_path, quick_timeouts):
    with live_server("sqlite", tmp_path) as server, _connect(server.url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # ...and then nothing
        started = time.monotonic()
        closed = sock.recv(1024) == b""
        elapsed = time.monotonic() - started
    assert closed and elapsed < 5


def test_a_body_that_stalls_is_answered_408(tmp_path, quick_timeouts):
    with live_server("sqlite", tmp_path) as server, _connect(server.url) as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: x\r\nOrigin: http://x\r\n"
            b"Cookie: dlg_csrf=" + b"A" * 43 + b"\r\n"
            b"Content-Type: application/x-www-form-urlencoded"
            b"\r\nContent-Length: 100\r\n\r\nemail=a"
        )
        answer = sock.recv(1024)
    assert answer.startswith(b"HTTP/1.1 408")
