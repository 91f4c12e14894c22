"""Several instances behind a load balancer: two app processes and a worker on one PostgreSQL
database and one S3 bucket. A report uploaded through one instance is read by the worker and
shows, with its score, through the other. Runs whenever PostgreSQL is configured for tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import build_app
from app.core import migrate
from app.core.config import Environment, Settings, get_settings
from app.core.db import create_db_engine
from app.jobs.worker import ensure_schema
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier
from tests.conftest import fresh_database_url

cli_app = build_app()

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PASSWORD = "correct-horse-battery-staple-9"
EMAIL = "officer@example.com"
BUCKET = "diligence-scaleout"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Deployment:
    env: dict[str, str]
    home: Path
    instance_a: str = ""
    instance_b: str = ""


def _create_staff_account_with_the_cli(env: dict[str, str]) -> None:
    # The real `diligence users create` command, run in this process: a third interpreter
    # start would only add seconds.
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli_app,
            ["users", "create", "--email", EMAIL, "--role", "risk_officer", "--password", PASSWORD],
            env=env,
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not become ready:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp("scaleout")
    database_url = fresh_database_url("postgresql", "scaleout", home)
    s3_port = _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    endpoint = f"http://127.0.0.1:{s3_port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="scaleout",
        aws_secret_access_key="scaleout",
    ).create_bucket(Bucket=BUCKET)
    env = {
        **os.environ,
        "DILIGENCE_ENV": "production",
        "DILIGENCE_DATABASE_URL": database_url,
        "DILIGENCE_SECRET_KEY": "scale-out-" + "s" * 40,
        "DILIGENCE_STORAGE_KEY": "5a" * 32,
        "DILIGENCE_STORAGE_BACKEND": "s3",
        "DILIGENCE_S3_BUCKET": BUCKET,
        "DILIGENCE_S3_ENDPOINT_URL": endpoint,
        "DILIGENCE_S3_REGION": "us-east-1",
        "DILIGENCE_S3_ACCESS_KEY_ID": "scaleout",
        "DILIGENCE_S3_SECRET_ACCESS_KEY": "scaleout",
        "DILIGENCE_OUTBOX_DIR": str(home / "outbox"),
        "DILIGENCE_LOG_LEVEL": "WARNING",
    }
    # Migrations and the queue's tables in-process (as `diligence db upgrade` and
    # `diligence worker --schema-only` would do), to keep the test within its time budget.
    migrate.upgrade(database_url)
    ensure_schema(Settings(env=Environment.test, database_url=database_url))
    processes: list[subprocess.Popen[bytes]] = []
    deployment = Deployment(env, home)
    try:
        # Each process gets its own scratch directory: nothing is shared but the database and S3.
        worker_env = {**env, "DILIGENCE_STORAGE_DIR": str(home / "worker")}
        worker_args = [sys.executable, "-c", "from app.cli import main; main()", "worker"]
        processes.append(_start(worker_args, worker_env, home / "worker.log"))
        urls = []
        for name in ("a", "b"):
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            instance_env = {
                **env,
                "DILIGENCE_STORAGE_DIR": str(home / f"instance-{name}"),
                "DILIGENCE_BASE_URL": url,
            }
            args = [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ]
            log = home / f"instance-{name}.log"
            processes.append(_start(args, instance_env, log))
            urls.append((url, processes[-1], log))
        # The staff account comes from the command line, while the processes start.
        _create_staff_account_with_the_cli(env)
        for url, process, log in urls:
            _wait_until_ready(url, process, log)
        deployment.instance_a, deployment.instance_b = urls[0][0], urls[1][0]
        yield deployment
    finally:
        for process in processes:
            _stop(process)
        s3.stop()


def _csrf(client: httpx.Client, url: str) -> str:
    match = _CSRF.search(client.get(url).text)
    assert match is not None, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def _vendor_id(database_url: str) -> int:
    engine = create_db_engine(database_url, pool_size=1)
    try:
        with Session(engine) as session:
            vendor = vendors_service.create_vendor(
                session,
                name="Lumenary Cloud",
                domain="lumenary.example",
                services_used="Hosting",
                data_categories=["customer_personal_data"],
                inherent_tier=InherentTier.high,
            )
            session.commit()
            assert vendor.id is not None
            return vendor.id
    finally:
        engine.dispose()


def _wait_for(client: httpx.Client, url: str, wanted: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = client.get(url).text
        if wanted in page:
            return page
        time.sleep(0.5)
    pytest.fail(f"{wanted!r} never appeared on {url}")


def test_a_report_uploaded_through_one_instance_is_read_and_scored_through_the_other(
    deployment: Deployment,
):
    vendor_id = _vendor_id(deployment.env["DILIGENCE_DATABASE_URL"])
    a, b = deployment.instance_a, deployment.instance_b
    with httpx.Client(timeout=30) as browser:
        signed_in = browser.post(
            f"{a}/login",
            data={"csrf_token": _csrf(browser, f"{a}/login"), "email": EMAIL, "password": PASSWORD},
        )
        assert signed_in.status_code == 303, signed_in.text
        uploaded = browser.post(
            f"{a}/vendors/{vendor_id}/documents",
            data={"csrf_token": _csrf(browser, f"{a}/vendors/{vendor_id}")},
            files={
                "file": ("lumenary-soc2.pdf", (CORPUS / "a01.pdf").read_bytes(), "application/pdf")
            },
        )
        assert uploaded.status_code == 303, uploaded.text

        # The session cookie from instance A works on B: sessions live in the database.
        vendor_page = _wait_for(browser, f"{b}/vendors/{vendor_id}", "SOC 2 Type 2, period end")
        assert "0 exception(s)" in vendor_page
        review = browser.get(f"{b}/vendors/{vendor_id}/review").text
        assert "Halvorsen &amp; Pike LLP" in review
        assert "No score yet" not in review

    # Nothing was written to the instances' own disks but empty scratch space.
    for name in ("instance-a", "instance-b", "worker"):
        leftovers = [p for p in (deployment.home / name).rglob("*") if p.is_file()]
        assert leftovers == [], leftovers
    stored = boto3.client(
        "s3",
        endpoint_url=deployment.env["DILIGENCE_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="scaleout",
        aws_secret_access_key="scaleout",
    ).list_objects_v2(Bucket=BUCKET)["Contents"]
    assert len(stored) == 1
