"""Fuzz the live API from its own OpenAPI document: no server errors, no schema violations.

A real uvicorn serves a fresh SQLite database seeded with an admin and an API token; the
schemathesis CLI then sends generated requests (valid and invalid) to every operation.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.auth import service as auth_service
from app.auth import tokens as tokens_service
from app.auth.models import Role
from app.core import migrate
from app.core.db import create_db_engine, session_scope
from tests.factories import TEST_PASSWORD

BIN = Path(sys.executable).parent
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance"
)
MAX_EXAMPLES = 8


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed(url: str) -> str:
    migrate.upgrade(url)
    engine = create_db_engine(url, pool_size=1)
    try:
        with session_scope(engine) as session:
            admin = auth_service.create_user(
                session, email="fuzz@example.com", role=Role.admin, password=TEST_PASSWORD
            )
            _row, token = tokens_service.create_token(
                session, user=admin, name="schemathesis", actor="test"
            )
    finally:
        engine.dispose()
    return token


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("the server did not start within 90 s")


@pytest.fixture
def live_api(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    token = _seed(url)
    port = _free_port()
    env = {
        **os.environ,
        "DILIGENCE_ENV": "test",
        "DILIGENCE_DATABASE_URL": url,
        "DILIGENCE_STORAGE_DIR": str(tmp_path / "storage"),
        "DILIGENCE_OUTBOX_DIR": str(tmp_path / "outbox"),
        "DILIGENCE_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.mark.slow
def test_fuzzing_the_api_finds_no_server_errors_or_schema_violations(live_api, tmp_path):
    base, token = live_api
    command = [
        str(BIN / "st"), "run", f"{base}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", CHECKS,
        "--phases", "examples,fuzzing",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", "20261127",
        "--workers", "1",
        "--request-timeout", "10",
        "--warnings", "off",
        "--no-color",
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=240, cwd=tmp_path, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    assert counts is not None, output[-2000:]
    generated, passed = int(counts.group(1)), int(counts.group(2))
    assert generated == passed > 100
    print(f"schemathesis: {generated} cases, {passed} passed")  # noqa: T201
