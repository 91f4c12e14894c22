"""Benchmark: the risk officer's dashboard with 10,000 vendors on SQLite, through the real app.

Builds a SQLite file with 10,000 vendors, 20,000 documents with facts, 20,000 scores and some
decisions, fills the review summary with the application's own refresh code, then requests
dashboard pages through the full application (middleware, permission check, template) with
a signed-in risk officer. Prints a table; the last line is one JSON object.

    .venv/bin/python bench/dashboard.py [--vendors 10000] [--requests 60]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.core import migrate
from app.core.config import Environment, Settings
from app.core.db import create_db_engine
from app.main import create_app
from app.reports.models import Document, ReportFacts
from app.reviews.models import Decision
from app.reviews.summary import rebuild_all
from app.scoring.models import Score
from app.vendors.models import Vendor

PASSWORD = "correct-horse-battery-staple-42"
SCENARIOS = {
    "first page": "/",
    "filtered: expiring, by score": "/?currency=expiring&sort=-score",
    "filtered: band C, contradictions": "/?band=C&contradictions=1",
    "search by name": "/?q=vendor%2042",
    "page 200": "/?page=200",
}
BANDS = (("A", 88, "Low"), ("B", 75, "Moderate"), ("C", 60, "Elevated"), ("D", 45, "High"))


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


def _score_row(vendor_id: int, today: date, rng: random.Random) -> dict[str, Any]:
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
        "explanation": {"best_document_id": str(vendor_id * 2 - 1)},
        "fingerprint": "",
        "policy_version": "1",
        "evaluated_on": today,
        "computed_at": _now(),
    }


def _rows(count: int, today: date) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(7)
    tiers = ("critical", "high", "moderate", "low")
    rows: dict[str, list[dict[str, Any]]] = {
        key: [] for key in ("vendor", "document", "facts", "score", "decision")
    }
    for vendor_id in range(1, count + 1):
        rows["vendor"].append(_vendor_row(vendor_id, rng.choice(tiers)))
        for offset in (0, 1):
            end = today - timedelta(days=rng.randint(0, 500) + offset * 365)
            document, facts = _document_rows(
                vendor_id * 2 - 1 + offset, vendor_id, end, rng.randint(0, 3)
            )
            rows["document"].append(document)
            rows["facts"].append(facts)
            rows["score"].append(_score_row(vendor_id, today, rng))
        if vendor_id % 3 == 0:
            decision = {"vendor_id": vendor_id, "outcome": "approved", "reason": "ok"}
            rows["decision"].append({**decision, "conditions": "", "decided_at": _now()})
    return rows


def build_database(path: Path, count: int) -> tuple[str, dict[str, float]]:
    """Create and fill the benchmark database; return its URL and the build timings."""
    url = f"sqlite:///{path}"
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
        ("decision", Decision),
    ]
    with engine.begin() as conn:
        for key, model in tables:
            conn.execute(insert(model.__table__), rows[key])  # type: ignore[attr-defined]
    timings["insert rows (s)"] = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session:
        auth_service.create_user(
            session, email="officer@example.com", role=Role.risk_officer, password=PASSWORD
        )
        rebuild_all(session)
        session.commit()
    timings["refresh summaries (s)"] = time.perf_counter() - started
    engine.dispose()
    return url, timings


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


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(url: str, storage: Path, requests: int) -> dict[str, dict[str, float]]:
    """Request each scenario through the app and return p50/p95/max in milliseconds."""
    settings = Settings(env=Environment.test, database_url=url, storage_dir=storage)
    results: dict[str, dict[str, float]] = {}
    with TestClient(create_app(settings)) as client:
        _sign_in(client)
        for name, path in SCENARIOS.items():
            for _ in range(5):  # warm caches: templates, statements, SQLite pages
                assert client.get(path).status_code == 200
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            results[name] = {
                "p50_ms": round(statistics.median(samples), 2),
                "p95_ms": round(_percentile(samples, 0.95), 2),
                "max_ms": round(max(samples), 2),
            }
    return results


def main() -> None:
    """Build the database, measure, print a table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database", type=Path, help="Reuse (or build and keep) this file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.database is not None and args.database.exists():
            url, build = f"sqlite:///{args.database}", dict[str, float]()
        else:
            url, build = build_database(args.database or Path(tmp) / "bench.db", args.vendors)
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpx2").setLevel(logging.WARNING)
        results = measure(url, Path(tmp) / "storage", max(50, args.requests))
    print(f"dashboard benchmark: {args.vendors} vendors, {max(50, args.requests)} requests each")
    for name, seconds in build.items():
        print(f"  {name:<36} {seconds:8.2f}")
    print(f"  {'scenario':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, figures in results.items():
        p50, p95, worst = figures["p50_ms"], figures["p95_ms"], figures["max_ms"]
        print(f"  {name:<36} {p50:8.2f} {p95:8.2f} {worst:8.2f}")
    summary = {
        "benchmark": "dashboard",
        "vendors": args.vendors,
        "requests": max(50, args.requests),
        "cpu_count": os.cpu_count(),
        "build_seconds": {k: round(v, 2) for k, v in build.items()},
        "scenarios": results,
        "first_page_p95_ms": results["first page"]["p95_ms"],
        "target_p95_ms": 100,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
