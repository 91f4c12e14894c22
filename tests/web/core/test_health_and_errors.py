from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.core.config import Environment, Settings
from app.main import create_app
from tests.factories import csrf_token

UNREACHABLE_DB = "postgresql://nobody@127.0.0.1:9/none"


def test_healthz_answers_without_touching_the_database():
    app = create_app(Settings(env=Environment.test, database_url=UNREACHABLE_DB))
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_is_503_with_a_reason_when_the_database_is_down():
    app = create_app(Settings(env=Environment.test, database_url=UNREACHABLE_DB))
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unreachable"}


def test_readyz_is_503_when_documents_cannot_be_stored(database_url, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage directory should be")
    settings = Settings(
        env=Environment.test, database_url=database_url, storage_dir=blocker / "storage"
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "storage directory cannot be used",
    }


def test_a_database_outage_shows_a_503_page_not_a_trace():
    app = create_app(Settings(env=Environment.test, database_url=UNREACHABLE_DB))
    with TestClient(app, raise_server_exceptions=False) as client:
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"email": "a@example.com", "password": "x" * 12, "csrf_token": token}
        )
    assert response.status_code == 503
    assert "text/html" in response.headers["content-type"]
    assert "not reachable" in response.text
    assert "Traceback" not in response.text


def test_unknown_pages_get_an_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text


def test_unknown_api_paths_get_the_json_error_body(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "http_404"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_home_page_welcomes_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.text


class _FrozenEngine:
    """A database server that accepted the connection and then stopped answering."""

    def __init__(self) -> None:
        self.thaw = threading.Event()

    def connect(self):
        self.thaw.wait(30)
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    def dispose(self) -> None:
        self.thaw.set()


def test_readyz_answers_503_with_retry_after_in_bounded_time_when_the_database_freezes(client):
    frozen = _FrozenEngine()
    real, client.app.state.engine = client.app.state.engine, frozen
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
        again = client.get("/readyz")  # the first check still hangs: no second thread waits
    finally:
        frozen.thaw.set()
        client.app.state.engine = real
    assert response.status_code == 503
    assert "did not answer" in response.json()["reason"]
    assert response.headers["retry-after"] == "5"
    assert elapsed < 5
    assert again.status_code == 503
