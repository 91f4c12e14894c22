"""Benchmark: rescoring every vendor (`scoring_service.recompute_all`) with 10,000 vendors.

Builds a fresh database through the migrations, fills it with vendors that each have one
to three documents with extracted facts (SOC 2 Type 1 and Type 2, SOC 1, bridge letters;
varied periods, opinions and exceptions) and, for some, submitted soc-assurance answers,
then times three runs of the nightly rescore: the first (every vendor gets a score), the
same day again (nothing changed) and 40 days later (recency decays, some scores change).
The review summary listener is installed, as in the application. Scoring runs in one worker
process per core (`--workers 1` for the serial path). SQLite always; PostgreSQL too when
reachable (DILIGENCE_BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1/postgres; a
fresh database is created and dropped). Prints a table; the last line is one JSON object.

    .venv/bin/python bench/rescore.py [--vendors 10000] [--workers N] [--backend all] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from common import fresh_postgres_database, postgres_admin_url
from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from app.core import migrate
from app.core.db import create_db_engine
from app.questionnaires.library import get_definition
from app.reports.models import Document, ReportFacts
from app.requests.models import Answer, QuestionnaireRequest
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.scoring.parallel import default_workers
from app.vendors.models import Vendor
from app.wiring import install_session_hooks

TARGET_SECONDS = 10.0
TODAY = date(2025, 6, 30)
RUNS = (("first run", 0), ("same day again", 0), ("40 days later", 40))
_TIERS = ("critical", "high", "moderate", "low")
_OPINIONS = ("unqualified",) * 12 + ("qualified", "adverse", "disclaimer")
_AUDITORS = ("Quarry & Stone LLP", "Halvorsen CPAs", "Brightwater Assurance LLP", "")
_CRITERIA = (["security"], ["security", "availability"], ["security", "confidentiality"])


def _now() -> datetime:
    return datetime.now(UTC)


class _Rows:
    """Row dictionaries for each table, with ids assigned here so rows can refer to each other."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {
            name: [] for name in ("vendor", "document", "facts", "request", "answer")
        }

    def add(self, table: str, row: dict[str, Any]) -> int:
        rows = self.tables[table]
        row["id"] = len(rows) + 1
        rows.append(row)
        return int(row["id"])


def _facts(kind: str, end: date, rng: random.Random) -> dict[str, Any]:
    """Return the extracted facts of one document."""
    type2 = kind == "soc_report" and rng.random() < 0.75
    exceptions = rng.choice((0, 0, 0, 1, 2, 5)) if type2 else None
    facts: dict[str, Any] = {
        "doc_kind": kind,
        "framework": rng.choice(("SOC 2",) * 8 + ("SOC 1", "SOC 3")),
        "report_type": "type2" if type2 else ("type1" if kind == "soc_report" else None),
        "service_auditor": rng.choice(_AUDITORS) or None,
        "period_start": end - timedelta(days=rng.choice((364, 181, 90))) if type2 else None,
        "period_end": end,
        "report_date": end + timedelta(days=rng.randint(20, 60)),
        "opinion": rng.choice(_OPINIONS) if kind == "soc_report" else None,
        "trust_services_criteria": rng.choice(_CRITERIA),
        "exceptions_count": exceptions,
        "subservice_organizations": rng.choice(([], ["Amazon Web Services, Inc."])),
        "subservice_method": rng.choice((None, "carve-out", "inclusive")),
        "cuecs": rng.random() < 0.5,
        "exceptions": [
            {"control_id": f"CC{n}.1", "criteria": [f"CC{n}.1"], "result": "Exception noted."}
            for n in range(1, 1 + (exceptions or 0))
        ],
        "confidence": {"period_end": rng.choice((0.95, 0.9, 0.5))},
    }
    if kind == "bridge_letter":
        facts |= {"bridge_through": end + timedelta(days=rng.randint(60, 120))}
    return facts


def _add_document(rows: _Rows, vendor_id: int, kind: str, end: date, rng: random.Random) -> None:
    stored_kind = {"soc_report": "soc2_report", "bridge_letter": "bridge_letter"}[kind]
    document_id = rows.add(
        "document",
        {
            "vendor_id": vendor_id,
            "kind": stored_kind,
            "filename": "report.pdf",
            "content_type": "application/pdf",
            "size_bytes": 1,
            "sha256": f"{len(rows.tables['document']) + 1:064x}",
            "storage_key": f"{len(rows.tables['document']) + 1:064x}",
            "uploaded_via": "portal",
            "uploaded_at": _now() - timedelta(days=rng.randint(1, 300)),
            "extraction_status": "done",
        },
    )
    defaults: dict[str, Any] = {"warnings": [], "evidence": {}, "cuec_list": [], "corrections": {}}
    facts = {**defaults, **_facts(kind, end, rng), "extractor_version": "1"}
    rows.add("facts", {"document_id": document_id, "extracted_at": _now(), **facts})


def _answers(rng: random.Random, end: date) -> dict[str, Any]:
    """Return soc-assurance answers, sometimes contradicting the report on file."""
    holds = rng.random() < 0.8
    answers: dict[str, Any] = {
        "primary_soc_report": rng.choice(("soc2", "soc2", "soc1")),
        "holds_soc2_type2": "yes" if holds else "no",
        "iso27001_certified": rng.choice(("yes", "no")),
    }
    if not holds:
        return answers | {"soc2_audit_status": "type2_in_progress"}
    answers |= {
        "soc2_report_type": rng.choice(("type2", "type2", "type1")),
        "soc2_period_start": (end - timedelta(days=364)).isoformat(),
        "soc2_period_end": (end + timedelta(days=rng.choice((0, 0, 31)))).isoformat(),
        "soc2_service_auditor": rng.choice(_AUDITORS[:3]),
        "soc2_criteria": rng.choice(_CRITERIA),
        "soc2_opinion": rng.choice(("unqualified", "unqualified", "qualified")),
        "soc2_has_exceptions": rng.choice(("yes", "no")),
        "soc2_subservice_method": rng.choice(("carve_out", "inclusive", "none")),
        "soc2_has_cuecs": rng.choice(("yes", "no")),
        "has_bridge_letter": rng.choice(("yes", "no")),
    }
    if answers["iso27001_certified"] == "yes":
        answers["iso27001_certificate_expiry"] = (end + timedelta(days=400)).isoformat()
    return answers


def _add_request(rows: _Rows, vendor_id: int, end: date, rng: random.Random) -> None:
    loaded = get_definition("soc-assurance", 1)
    submitted = _now() - timedelta(days=rng.randint(1, 200))
    request_id = rows.add(
        "request",
        {
            "vendor_id": vendor_id,
            "questionnaire_slug": "soc-assurance",
            "questionnaire_version": 1,
            "content_hash": loaded.content_hash,
            "status": rng.choice(("submitted", "accepted")),
            "message": "",
            "sent_at": submitted - timedelta(days=10),
            "submitted_at": submitted,
            "created_at": submitted - timedelta(days=10),
            "updated_at": submitted,
        },
    )
    for question_id, value in _answers(rng, end).items():
        row = {"request_id": request_id, "question_id": question_id, "value": value}
        rows.add("answer", {**row, "row_version": 1, "updated_at": submitted})


def generate(count: int) -> _Rows:
    """Return the rows of `count` vendors with documents, facts and some answered requests."""
    rng = random.Random(11)
    rows = _Rows()
    for number in range(1, count + 1):
        vendor_id = rows.add(
            "vendor",
            {
                "name": f"Vendor {number:05d}",
                "domain": "vendor.example",
                "services_used": "Hosting, Ledger",
                "data_categories": [],
                "inherent_tier": rng.choice(_TIERS),
                "status": "active",
                "profile": {"personal_data": rng.random() < 0.6},
                "created_at": _now(),
                "updated_at": _now(),
            },
        )
        end = TODAY - timedelta(days=rng.randint(0, 500))
        for offset in range(rng.randint(1, 3)):
            kind = "bridge_letter" if offset == 2 and rng.random() < 0.6 else "soc_report"
            _add_document(rows, vendor_id, kind, end - timedelta(days=365 * offset), rng)
        if rng.random() < 0.4:
            _add_request(rows, vendor_id, end, rng)
    return rows


def build_database(url: str, count: int) -> float:
    """Migrate a fresh database and fill it; return the seconds it took."""
    started = time.perf_counter()
    migrate.upgrade(url)
    rows = generate(count)
    engine = create_db_engine(url, pool_size=1)
    tables = (
        ("vendor", Vendor),
        ("document", Document),
        ("facts", ReportFacts),
        ("request", QuestionnaireRequest),
        ("answer", Answer),
    )
    try:
        with engine.begin() as conn:
            for key, model in tables:
                conn.execute(insert(model.__table__), rows.tables[key])  # type: ignore[union-attr]
            if engine.dialect.name == "postgresql":
                for table in ("vendor", "document", "report_facts", "questionnaire_request"):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
    finally:
        engine.dispose()
    return time.perf_counter() - started


def time_runs(url: str, *, profile: bool, workers: int) -> list[dict[str, Any]]:
    """Run the rescore three times; return seconds, changed and stored scores for each."""
    engine = create_db_engine(url, pool_size=1)
    results: list[dict[str, Any]] = []
    try:
        for name, days in RUNS:
            progress: list[tuple[int, int]] = []
            with Session(engine, expire_on_commit=False) as session:
                run = _profiled if profile and not results else _plain
                as_of = TODAY + timedelta(days=days)
                rescore = partial(_rescore_and_commit, session, as_of, progress, workers)
                seconds, changed = run(rescore)
                stored = session.scalar(select(func.count()).select_from(Score))
            results.append(
                {
                    "run": name,
                    "seconds": round(seconds, 3),
                    "changed": changed,
                    "scores_per_second": round((progress[-1][1] if progress else 0) / seconds, 1),
                    "stored_scores": stored,
                }
            )
    finally:
        engine.dispose()
    return results


def _rescore_and_commit(
    session: Session, as_of: date, progress: list[tuple[int, int]], workers: int
) -> int:
    """Rescore every vendor and commit, as the nightly job does."""
    changed = scoring_service.recompute_all(
        session,
        as_of=as_of,
        on_progress=lambda done, total: progress.append((done, total)),
        workers=workers,
    )
    session.commit()
    return changed


def _plain(action: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    changed = action()
    return time.perf_counter() - started, changed


def _profiled(action: Callable[[], int]) -> tuple[float, int]:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    changed = profiler.runcall(action)
    seconds = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())
    return seconds, changed


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build one backend's database, time the runs and clean up."""
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{Path(tmp) / 'rescore.db'}"
        else:
            admin_url = postgres_admin_url()
            assert admin_url is not None
            url = stack.enter_context(fresh_postgres_database(admin_url, "rescore"))
        build = build_database(url, args.vendors)
        runs = time_runs(url, profile=args.profile, workers=args.workers)
    worst = max(run["seconds"] for run in runs)
    return {"backend": backend, "build_seconds": round(build, 2), "runs": runs, "worst": worst}


def main() -> None:
    """Build, time and print a table and one JSON line."""
    install_session_hooks()  # as every entry point does: the dashboard rows follow
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="Print a CPU profile of run 1.")
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="Scoring processes (1: serial)."
    )
    parser.add_argument("--backend", choices=["all", "sqlite", "postgresql"], default="all")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    if "postgresql" in backends and postgres_admin_url() is None:
        print("PostgreSQL is not reachable: measuring SQLite only")
        backends.remove("postgresql")
    results = [bench_backend(backend, args) for backend in backends]
    print(
        f"rescore benchmark: {args.vendors} vendors, {args.workers} scoring process(es), "
        f"target {TARGET_SECONDS:g} s per run"
    )
    print(
        f"  {'backend':<11} {'run':<16} {'seconds':>8} {'scores/s':>9} {'changed':>8} {'stored':>7}"
    )
    for result in results:
        for run in result["runs"]:
            print(
                f"  {result['backend']:<11} {run['run']:<16} {run['seconds']:>8.2f} "
                f"{run['scores_per_second']:>9.0f} {run['changed']:>8} {run['stored_scores']:>7}"
            )
    summary = {
        "benchmark": "scoring.rescore",
        "vendors": args.vendors,
        "cpu_count": os.cpu_count(),
        "workers": args.workers,
        "target_seconds": TARGET_SECONDS,
        "backends": results,
        "sqlite_seconds": results[0]["worst"],
        "met": all(result["worst"] <= TARGET_SECONDS for result in results),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
