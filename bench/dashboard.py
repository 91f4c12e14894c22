"""Benchmark: the risk officer's dashboard and vendor pages with 10,000 vendors, through the app.

Builds a database with 10,000 vendors, 50,000 documents with facts, 10,000 submitted requests
with 100,000 answers, 10,000 scores and some decisions, fills the review summary with the
application's own refresh code, then requests dashboard pages (first, filtered, deep, name
search) and vendor review pages through the full application (middleware, permission check,
template) with a signed-in risk officer. Runs on SQLite and, when reachable, on PostgreSQL
(DILIGENCE_BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1/postgres; a fresh database
is created and dropped). Prints a table; the last line is one JSON object.

    .venv/bin/python bench/dashboard.py [--vendors 10000] [--requests 60] [--backend all]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import fresh_postgres_database, percentile, postgres_admin_url, print_table
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.core import migrate
from app.core.config import Environment, Settings
from app.core.db import create_db_engine
from app.main import create_app
from app.questionnaires.library import get_definition
from app.reports.models import Document, ReportFacts
from app.requests.models import Answer, QuestionnaireRequest
from app.reviews.models import Decision
from app.reviews.summary import rebuild_all
from app.scoring.models import Score
from app.vendors.models import Vendor

PASSWORD = "correct-horse-battery-staple-42"
DOCUMENTS_PER_VENDOR = 5
SLUG = "soc-assurance"
SCENARIOS = {
    "first page": "/",
    "filtered: expiring, by score": "/?currency=expiring&sort=-score",
    "filtered: band C, contradictions": "/?band=C&contradictions=1",
    "search by name": "/?q=vendor%2042",
    "deep page (200)": "/?page=200",
    "vendor review page": "/vendors/{vendor}/review",
}
BANDS = (("A", 88, "Low"), ("B", 75, "Moderate"), ("C", 60, "Elevated"), ("D", 45, "High"))
# Ten answers per request, valid for the questionnaire (the review page compares them to facts).
ANSWERS: dict[str, Any] = {
    "primary_soc_report": "soc2",
    "holds_soc2_type2": "yes",
    "soc2_report_type": "type2",
    "soc2_period_start": "2025-01-01",
    "soc2_period_end": "2025-12-31",
    "soc2_service_auditor": "Quarry & Stone LLP",
    "soc2_criteria": ["security", "availability"],
    "soc2_opinion": "unqualified",
    "soc2_has_exceptions": "no",
    "affects_financial_reporting": "no",
}
TARGET_P95_MS = 100


def _now() -> datetime:
    return datetime.now(UTC)


def _vendor_row(vendor_id: int, tier: str) -> dict[str, Any]:
    return {
        "id": vendor_id,
        "name": f"Vendor {vendor_id:05d}",
        "domain": "x.example",
        "services_used": "Hosting",
        "data_categories": [],
        "profile": {},
        "inherent_tier": tier,
        "status": "active",
        "created_at": _now(),
        "updated_at": _now(),
    }


def _document_rows(document_id: int, vendor_id: int, end: date, exceptions: int) -> list[Any]:
    document = {
        "id": document_id,
        "vendor_id": vendor_id,
        "kind": "soc2_report",
        "filename": "report.pdf",
        "content_type": "application/pdf",
        "size_bytes": 1,
        "sha256": f"{document_id:064x}",
        "storage_key": f"{document_id:064x}",
        "uploaded_via": "portal",
        "uploaded_at": _now(),
        "extraction_status": "done",
    }
    facts = {
        "document_id": document_id,
        "doc_kind": "soc_report",
        "framework": "SOC 2",
        "report_type": "type2",
        "period_start": end - timedelta(days=364),
        "period_end": end,
        "opinion": "unqualified",
        "exceptions_count": exceptions,
        "trust_services_criteria": ["security"],
        "subservice_organizations": [],
        "cuecs": False,
        "exceptions": [],
        "cuec_list": [],
        "warnings": [],
        "evidence": {},
        "confidence": {},
        "corrections": {},
        "extractor_version": "1",
        "extracted_at": _now(),
    }
    return [document, facts]


def _score_row(vendor_id: int, best_document: int, today: date, rng: random.Random) -> Any:
    band, value, risk = rng.choice(BANDS)
    finding = {"code": "PERIOD_MISMATCH", "severity": "medium", "message": "m", "evidence": []}
    return {
        "vendor_id": vendor_id,
        "value": Decimal(value),
        "band": band,
        "residual_risk": risk,
        "provisional": False,
        "factors": [],
        "findings": rng.choice(([], [finding])),
        "explanation": {"best_document_id": str(best_document)},
        "fingerprint": "",
        "policy_version": "1",
        "evaluated_on": today,
        "computed_at": _now(),
    }


def _request_rows(vendor_id: int, content_hash: str, version: int) -> list[Any]:
    request = {
        "id": vendor_id,
        "vendor_id": vendor_id,
        "questionnaire_slug": SLUG,
        "questionnaire_version": version,
        "content_hash": content_hash,
        "status": "submitted",
        "message": "",
        "sent_at": _now(),
        "submitted_at": _now(),
        "created_at": _now(),
        "updated_at": _now(),
    }
    answers = [
        {"request_id": vendor_id, "question_id": qid, "value": value, "row_version": 1}
        | {"updated_at": _now()}
        for qid, value in ANSWERS.items()
    ]
    return [request, answers]


def _rows(count: int, today: date) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(7)
    tiers = ("critical", "high", "moderate", "low")
    loaded = get_definition(SLUG)
    keys = ("vendor", "document", "facts", "score", "request", "answer", "decision")
    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    for vendor_id in range(1, count + 1):
        rows["vendor"].append(_vendor_row(vendor_id, rng.choice(tiers)))
        first = (vendor_id - 1) * DOCUMENTS_PER_VENDOR + 1
        for offset in range(DOCUMENTS_PER_VENDOR):
            end = today - timedelta(days=rng.randint(0, 500) + offset * 365)
            document, facts = _document_rows(first + offset, vendor_id, end, rng.randint(0, 3))
            rows["document"].append(document)
            rows["facts"].append(facts)
        rows["score"].append(_score_row(vendor_id, first, today, rng))
        request, answers = _request_rows(vendor_id, loaded.content_hash, loaded.definition.version)
        rows["request"].append(request)
        rows["answer"].extend(answers)
        if vendor_id % 3 == 0:
            decision = {"vendor_id": vendor_id, "outcome": "approved", "reason": "ok"}
            rows["decision"].append({**decision, "conditions": "", "decided_at": _now()})
    return rows


def build_database(url: str, count: int) -> dict[str, float]:
    """Fill an empty database with the benchmark data; return the build timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    migrate.upgrade(url)
    engine = create_db_engine(url, pool_size=1)
    rows = _rows(count, _now().date())
    tables = [
        ("vendor", Vendor),
        ("document", Document),
        ("facts", ReportFacts),
        ("score", Score),
        ("request", QuestionnaireRequest),
        ("answer", Answer),
        ("decision", Decision),
    ]
    with engine.begin() as conn:
        for key, model in tables:
            for chunk in range(0, len(rows[key]), 5000):
                batch = rows[key][chunk : chunk + 5000]
                conn.execute(insert(model.__table__), batch)  # type: ignore[attr-defined]
    timings["insert rows (s)"] = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session:
        auth_service.create_user(
            session, email="officer@example.com", role=Role.risk_officer, password=PASSWORD
        )
        rebuild_all(session)
        session.commit()
    timings["refresh summaries (s)"] = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return timings


def _sign_in(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": "officer@example.com", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def measure(url: str, storage: Path, requests: int, vendors: int) -> dict[str, dict[str, float]]:
    """Request each scenario through the app and return p50/p95/max in milliseconds."""
    settings = Settings(env=Environment.test, database_url=url, storage_dir=storage)
    results: dict[str, dict[str, float]] = {}
    rng = random.Random(11)
    with TestClient(create_app(settings)) as client:
        _sign_in(client)
        for name, path in SCENARIOS.items():
            samples = []
            for attempt in range(5 + requests):  # the first five warm caches
                target = path.format(vendor=rng.randint(1, vendors))
                started = time.perf_counter()
                response = client.get(target)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (target, response.status_code)
                if attempt >= 5:
                    samples.append(elapsed)
            results[name] = {
                "p50_ms": round(statistics.median(samples), 2),
                "p95_ms": round(percentile(samples, 0.95), 2),
                "max_ms": round(max(samples), 2),
            }
    return results


@contextlib.contextmanager
def database(backend: str, tmp: Path, reuse: Path | None) -> Iterator[tuple[str, bool]]:
    """Yield (URL, needs building) for a benchmark database of the backend."""
    if backend == "sqlite":
        path = reuse or tmp / "bench.db"
        yield f"sqlite:///{path}", not path.exists()
        return
    admin = postgres_admin_url()
    assert admin is not None
    with fresh_postgres_database(admin, "dashboard") as url:
        yield url, True


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build (or reuse) the database of one backend and measure every scenario."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        database(backend, Path(tmp), args.database) as (
            url,
            needs_build,
        ),
    ):
        build = build_database(url, args.vendors) if needs_build else {}
        results = measure(url, Path(tmp) / "storage", args.requests, args.vendors)
    return {"build_seconds": {k: round(v, 2) for k, v in build.items()}, "scenarios": results}


def main() -> None:
    """Build the databases, measure, print a table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--backend", choices=["all", "sqlite", "postgresql"], default="all")
    parser.add_argument(
        "--database", type=Path, help="SQLite: reuse (or build and keep) this file."
    )
    args = parser.parse_args()
    args.requests = max(50, args.requests)
    for noisy in ("httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    backends = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    if "postgresql" in backends and postgres_admin_url() is None:
        print("PostgreSQL is not reachable: measuring SQLite only")
        backends.remove("postgresql")
    results = {backend: run_backend(backend, args) for backend in backends}
    print(f"dashboard benchmark: {args.vendors} vendors, {args.requests} requests per scenario")
    rows: list[list[object]] = []
    for backend, result in results.items():
        for name, seconds in result["build_seconds"].items():
            rows.append([f"{backend}: build, {name}", seconds, "", ""])
        for name, figures in result["scenarios"].items():
            p50, p95, worst = figures["p50_ms"], figures["p95_ms"], figures["max_ms"]
            rows.append([f"{backend}: {name}", p50, p95, worst])
    print_table(["scenario", "p50 ms", "p95 ms", "max ms"], rows)
    sqlite = results.get("sqlite", {}).get("scenarios", {})
    summary = {
        "benchmark": "dashboard",
        "vendors": args.vendors,
        "documents": args.vendors * DOCUMENTS_PER_VENDOR,
        "answers": args.vendors * len(ANSWERS),
        "requests": args.requests,
        "cpu_count": os.cpu_count(),
        "backends": results,
        "target_p95_ms": TARGET_P95_MS,
        "target_met_sqlite": all(f["p95_ms"] <= TARGET_P95_MS for f in sqlite.values())
        if sqlite
        else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
