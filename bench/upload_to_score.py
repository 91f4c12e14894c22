"""Benchmark: from a vendor's upload to the new score on the vendor's dashboard row.

Starts a production server (as ``bench/portal_load.py`` does) with one vendor whose open
SOC assurance request answers "yes" to holding a SOC 2 Type 2 report. A generated 100-page
SOC 2 Type 2 report (``bench/extract.py``) is uploaded through the portal, and the clock runs
until the vendor's dashboard row (``vendor_review``) shows a score computed with that document.

- SQLite: the document is read in-process during the upload request.
- PostgreSQL (when reachable): reading is queued and a ``diligence worker`` reads it.

Each backend uploads ``--repeats`` fresh copies (a new vendor each time, so nothing is a
duplicate). Prints a table; the last line is one JSON object.

    .venv/bin/python bench/upload_to_score.py [--repeats 5] [--pages 100]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
from common import (
    ROOT,
    fresh_postgres_database,
    live_server,
    percentile,
    postgres_admin_url,
    print_table,
    production_environment,
)
from extract import build_report
from sqlalchemy import text
from sqlmodel import col, select

from app.auth import service as auth_service
from app.auth.models import Role
from app.core import migrate
from app.core.config import Environment, Settings
from app.core.db import create_db_engine, session_scope
from app.mail.models import OutgoingMail
from app.requests import service as requests_service
from app.vendors import service as vendors_service

SLUG = "soc-assurance"
VENDOR = "Bench Harbor Systems, Inc."  # the organisation named in the generated report
LINK = re.compile(r"/portal/(dlg_p_[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')
TARGET_SECONDS = 1.0
POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 60.0


@dataclass
class Vendor:
    """One vendor with an open request, and its portal link."""

    vendor_id: int
    token: str


def seed(url: str, count: int) -> list[Vendor]:
    """Create ``count`` vendors named as the report's organisation, each with a sent request."""
    migrate.upgrade(url)
    engine = create_db_engine(url, pool_size=1)
    settings = Settings(
        env=Environment.test,
        database_url=url,
        base_url="http://bench.invalid",
        organisation_name="Bench Buyer",  # sending is refused until the organisation is named
    )
    vendors = []
    with session_scope(engine) as session:
        sender = auth_service.create_user(
            session, email="sender@example.com", role=Role.procurement, password="x" * 24 + "1aA!"
        )
        for number in range(count):
            vendor = vendors_service.create_vendor(session, name=VENDOR)
            assert vendor.id is not None
            contact = vendors_service.add_contact(
                session, vendor_id=vendor.id, name="Vera", email=f"v{number}@vendor.example"
            )
            requests_service.send_request(
                session,
                vendor_id=vendor.id,
                contact_id=contact.id,
                slug=SLUG,
                due_on=date.today() + timedelta(days=30),
                message="Please answer",
                sent_by=sender,
                settings=settings,
            )
            session.flush()
            mail = session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id).desc())).first()
            assert mail is not None
            found = LINK.search(mail.text_body)
            assert found is not None
            vendors.append(Vendor(vendor.id, found.group(1)))
    engine.dispose()
    return vendors


def _csrf(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def _score_row(url: str, vendor_id: int) -> tuple[object, object] | None:
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT score_value, best_report FROM vendor_review WHERE vendor_id = :v"),
                {"v": vendor_id},
            ).first()
    finally:
        engine.dispose()
    return None if row is None else (row[0], row[1])


def upload_and_wait(base: str, url: str, vendor: Vendor, report: bytes) -> dict[str, float]:
    """Upload the report as the vendor; return the request time and the time to the new score."""
    with httpx.Client(base_url=base, timeout=GIVE_UP_SECONDS) as browser:
        csrf = _csrf(browser.get(f"/portal/{vendor.token}").text)
        opened = browser.post("/portal/exchange", data={"token": vendor.token, "csrf_token": csrf})
        assert opened.status_code == 303, opened.text[:300]
        saved = browser.post(
            "/portal/answers/holds_soc2_type2",
            data={"q__holds_soc2_type2": "yes", "v__holds_soc2_type2": "0"},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
        assert saved.status_code == 200, saved.text[:300]
        before = _score_row(url, vendor.vendor_id)
        started = time.perf_counter()
        sent = browser.post(
            "/portal/uploads/soc2_report_file",
            files={"file": ("soc2-type2.pdf", report, "application/pdf")},
            headers={"X-CSRF-Token": csrf},
        )
        answered = time.perf_counter() - started
        assert sent.status_code == 303, f"upload answered {sent.status_code}: {sent.text[:300]}"
    while True:
        row = _score_row(url, vendor.vendor_id)
        if row is not None and row[1] is not None and row != before:
            return {"request_s": answered, "to_score_s": time.perf_counter() - started}
        if time.perf_counter() - started > GIVE_UP_SECONDS:
            raise RuntimeError(f"no new score after {GIVE_UP_SECONDS:.0f} s")
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def worker(env: dict[str, str], log_path: Path) -> Iterator[None]:
    """Run ``diligence worker`` beside the server (PostgreSQL: reading is queued)."""
    log = open(log_path, "ab")  # noqa: SIM115 (closed below)
    command = [sys.executable, "-c", "from app.cli import main; main()", "worker"]
    process = subprocess.Popen([*command], env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while b"worker running" not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start; see worker.log")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def run_backend(
    url: str, workdir: Path, report: bytes, repeats: int, queued: bool
) -> list[dict[str, float]]:
    """Seed, serve, upload ``repeats`` times; return each run's timings."""
    vendors = seed(url, repeats + 1)  # the first upload warms the server up
    env = production_environment(
        url, workdir, DILIGENCE_JOB_QUEUE="postgres" if queued else "inprocess"
    )
    log = workdir / "server.log"
    timings = []
    with live_server("app.main:create_app", env, ready_path="/healthz", log_path=log) as base:
        context = worker(env, workdir / "worker.log") if queued else contextlib.nullcontext()
        with context:
            for number, vendor in enumerate(vendors):
                try:
                    timing = upload_and_wait(base, url, vendor, report)
                except RuntimeError:
                    for name in ("server.log", "worker.log"):
                        if (workdir / name).exists():
                            tail = (workdir / name).read_text(errors="replace").splitlines()[-15:]
                            print(f"--- last lines of {name}", *tail, sep="\n")
                    raise
                if number:
                    timings.append(timing)
    return timings


def summarise(backend: str, timings: list[dict[str, float]]) -> dict[str, object]:
    """Median and worst of the request and of the time to the new score."""
    to_score = [t["to_score_s"] for t in timings]
    request = [t["request_s"] for t in timings]
    return {
        "backend": backend,
        "uploads": len(timings),
        "request_p50_s": round(percentile(request, 0.5), 3),
        "to_score_p50_s": round(percentile(to_score, 0.5), 3),
        "to_score_max_s": round(max(to_score), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    report = build_report(args.pages)
    results = []
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory) / "sqlite"
        workdir.mkdir()
        url = f"sqlite:///{workdir / 'bench.db'}"
        results.append(
            summarise("sqlite", run_backend(url, workdir, report, args.repeats, queued=False))
        )
        admin = postgres_admin_url()
        if admin is None:
            print("PostgreSQL not reachable: the queued half is skipped")
        else:
            pg_dir = Path(directory) / "postgres"
            pg_dir.mkdir()
            with fresh_postgres_database(admin, "upload") as pg_url:
                timings = run_backend(pg_url, pg_dir, report, args.repeats, queued=True)
                results.append(summarise("postgresql+worker", timings))
    print(f"Upload of a {args.pages}-page SOC 2 Type 2 report until the dashboard row is rescored")
    print_table(
        ["backend", "uploads", "request p50 s", "to score p50 s", "to score max s"],
        [
            [
                r["backend"],
                r["uploads"],
                r["request_p50_s"],
                r["to_score_p50_s"],
                r["to_score_max_s"],
            ]
            for r in results
        ],
    )
    sqlite = results[0]
    print(
        json.dumps(
            {
                "benchmark": "upload_to_score",
                "pages": args.pages,
                "target_s": TARGET_SECONDS,
                "met_on_sqlite": float(str(sqlite["to_score_p50_s"])) <= TARGET_SECONDS,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
