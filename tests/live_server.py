"""A real server in a thread, on a fresh database, for tests of concurrent requests.

The usual ``client`` fixture runs every request in one rolled-back transaction, which hides
what concurrent transactions do to each other; these tests need the real thing.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine

from app.core import migrate
from app.core.config import Environment, Settings
from app.core.db import create_db_engine
from app.core.serving import server_options
from app.main import create_app
from tests.conftest import fresh_database_url

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


@dataclass
class LiveServer:
    url: str
    settings: Settings
    engine: Engine

    def client(self) -> httpx.Client:
        """A browser of its own (its own cookies)."""
        return httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)


def csrf_of(client: httpx.Client, path: str) -> str:
    """Return the CSRF token a page gives this browser."""
    match = _CSRF.search(client.get(path).text) or _CSRF.search(client.get("/.probe").text)
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(backend: str, tmp_path: Path, **settings_fields: object) -> Iterator[LiveServer]:
    """Serve the app on a fresh, migrated database until the block ends."""
    url = fresh_database_url(backend, "live", tmp_path)
    migrate.upgrade(url)
    settings = Settings(
        env=Environment.test,
        database_url=url,
        storage_dir=tmp_path / "storage",
        outbox_dir=tmp_path / "outbox",
        organisation_name="Buyer Ltd",
        **settings_fields,  # type: ignore[arg-type]
    )
    port = _free_port()
    options = {**server_options(settings), "log_level": "warning"}
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    engine = create_db_engine(url, pool_size=2)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, engine)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        engine.dispose()


def sign_in(server: LiveServer, email: str, password: str) -> httpx.Client:
    """Return a browser signed in as a staff user."""
    browser = server.client()
    response = browser.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(browser, "/login")},
    )
    assert response.status_code == 303, response.text
    return browser
