"""Shared pieces of the benchmark scripts: databases, a live server, percentiles, tables."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core.db import create_db_engine, normalise_url

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL_VAR = "DILIGENCE_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1/postgres"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of the samples (0 when there are none)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows as an aligned plain-text table (first column left, the rest right)."""
    cells = [[str(h) for h in headers]] + [
        [f"{c:.2f}" if isinstance(c, float) else str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for number, row in enumerate(cells):
        line = "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        print("  " + line)
        if number == 0:
            print("  " + "  ".join("-" * w for w in widths))


def postgres_admin_url() -> str | None:
    """Return the PostgreSQL server to benchmark on, or None when none is reachable."""
    url = os.environ.get(POSTGRES_URL_VAR) or DEFAULT_POSTGRES_URL
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        if os.environ.get(POSTGRES_URL_VAR):
            raise  # asked for explicitly: a broken URL is an error, not a skip
        return None
    finally:
        engine.dispose()
    return url


def _admin_execute(admin_url: str, *statements: str) -> None:
    admin = create_db_engine(admin_url, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str, label: str) -> Iterator[str]:
    """Create an empty PostgreSQL database for one run, yield its URL, then drop it."""
    name = f"diligence_bench_{label}_{os.getpid()}"
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(normalise_url(admin_url)).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_environment(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a production server on this database (fresh secret keys)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DILIGENCE_")}
    env.update(
        DILIGENCE_ENV="production",
        DILIGENCE_SECRET_KEY=secrets.token_urlsafe(48),
        DILIGENCE_STORAGE_KEY=secrets.token_hex(32),  # encrypts stored documents
        DILIGENCE_DATABASE_URL=database_url,
        DILIGENCE_STORAGE_DIR=str(workdir / "storage"),
        DILIGENCE_OUTBOX_DIR=str(workdir / "outbox"),
        PYTHONPATH=str(ROOT / "bench"),
        **extra,
    )
    return env


@contextlib.contextmanager
def live_server(
    app_factory: str, env: dict[str, str], *, ready_path: str, log_path: Path
) -> Iterator[str]:
    """Run ``uvicorn <factory> --factory`` as ``diligence serve`` does; yield its base URL.

    Same flags as the production command (one worker, proxy headers on, log level info);
    the server's output goes to ``server.log`` next to the database.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app_factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--proxy-headers",
        "--log-level",
        "info",
    ]
    log = open(log_path, "ab")  # noqa: SIM115 (closed below, after the server stops)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(server, base + ready_path)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_ready(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within 60 s")
