"""Rescoring every vendor at once: history, overrides, the audit trail and the dashboard row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core import migrate
from app.core.db import create_db_engine, utcnow
from app.reports.models import Document, DocumentKind, ReportFacts, UploadChannel
from app.reviews import overrides
from app.reviews.models import Decision, DecisionOutcome, VendorReview
from app.scoring import parallel
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.vendors.models import Vendor
from tests.conftest import drop_postgres_database, fresh_database_url
from tests.factories import make_user, make_vendor

AS_OF = date(2025, 6, 30)


def _add_report(session: Session, vendor: Vendor, *, exceptions: int = 0) -> ReportFacts:
    document = Document(
        vendor_id=vendor.id or 0,
        kind=DocumentKind.soc2_report,
        filename="report.pdf",
        content_type="application/pdf",
        size_bytes=1,
        sha256=f"{vendor.id}-{exceptions}".ljust(64, "0"),
        storage_key="key",
        uploaded_via=UploadChannel.staff,
        uploaded_at=utcnow(),
    )
    session.add(document)
    session.flush()
    facts = ReportFacts(
        document_id=document.id or 0,
        doc_kind="soc_report",
        framework="SOC 2",
        report_type="type2",
        service_auditor="Quarry & Stone LLP",
        period_start=AS_OF - timedelta(days=400),
        period_end=AS_OF - timedelta(days=36),
        report_date=AS_OF - timedelta(days=10),
        opinion="unqualified",
        trust_services_criteria=["security"],
        exceptions_count=exceptions,
        confidence={"period_end": 0.95},
    )
    session.add(facts)
    session.flush()
    return facts


def _scores(session: Session, vendor: Vendor) -> list[Score]:
    return list(session.exec(select(Score).where(Score.vendor_id == vendor.id)).all())


def _events(session: Session, action: str) -> list[AuditEvent]:
    ordered = (
        select(AuditEvent)
        .where(col(AuditEvent.action) == action)
        .order_by(col(AuditEvent.sequence))
    )
    return list(session.exec(ordered).all())


def test_recompute_all_stores_one_score_per_changed_vendor_and_reports_progress(session):
    reported, quiet, changing = (make_vendor(session) for _ in range(3))
    _add_report(session, reported)
    _add_report(session, changing)
    progress: list[tuple[int, int]] = []

    first = scoring_service.recompute_all(
        session,
        as_of=AS_OF,
        on_progress=lambda done, total: progress.append((done, total)),
        group_size=2,
    )

    assert first == 3
    assert [len(_scores(session, vendor)) for vendor in (reported, quiet, changing)] == [1, 1, 1]
    assert progress[-1] == (progress[-1][1], progress[-1][1])
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)

    assert scoring_service.recompute_all(session, as_of=AS_OF, group_size=2) == 0
    assert [len(_scores(session, vendor)) for vendor in (reported, quiet, changing)] == [1, 1, 1]

    _add_report(session, changing, exceptions=4)
    assert scoring_service.recompute_all(session, as_of=AS_OF, group_size=2) == 1
    assert [len(_scores(session, vendor)) for vendor in (reported, quiet, changing)] == [1, 1, 2]
    runs = _events(session, "scores.recomputed")
    assert [event.data["changed"] for event in runs][-3:] == [3, 0, 1]


def test_recompute_all_gives_the_same_scores_as_rescoring_each_vendor(session):
    vendor = make_vendor(session)
    _add_report(session, vendor, exceptions=2)
    one = scoring_service.recompute_vendor(session, vendor, as_of=AS_OF, reason="test")
    scoring_service.recompute_all(session, as_of=AS_OF)
    assert _scores(session, vendor) == [one]


def test_recompute_all_keeps_an_override_until_a_new_report_arrives(session):
    officer = make_user(session, role=Role.risk_officer)
    vendor = make_vendor(session)
    _add_report(session, vendor)
    scoring_service.recompute_all(session, as_of=AS_OF)
    seen = overrides.override_version(scoring_service.latest_score(session, vendor.id or 0))
    overrides.override_score(
        session, vendor, value=Decimal("91"), reason="Checked", user_id=officer.id or 0,
        as_of=AS_OF, expected_version=seen,
    )  # fmt: skip

    assert scoring_service.recompute_all(session, as_of=AS_OF) == 0
    assert scoring_service.latest_score(session, vendor.id or 0).override_value == Decimal("91.0")

    _add_report(session, vendor, exceptions=1)
    assert scoring_service.recompute_all(session, as_of=AS_OF) >= 1
    latest = scoring_service.latest_score(session, vendor.id or 0)
    assert latest is not None and latest.override_value is None
    assert len(_events(session, "score.override_lapsed")) == 1


def test_recompute_all_refreshes_the_dashboard_row_of_each_changed_vendor(session):
    vendor = make_vendor(session)
    _add_report(session, vendor)
    scoring_service.recompute_all(session, as_of=AS_OF)
    score = scoring_service.latest_score(session, vendor.id or 0)
    row = session.get(VendorReview, vendor.id)
    assert score is not None and row is not None
    assert (row.score_value, row.band, row.best_report) == (score.value, score.band, "SOC 2 Type 2")


@pytest.fixture
def committed_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own whose rows are committed, so that worker processes see them."""
    url = fresh_database_url(backend, "rescore_workers", tmp_path)
    migrate.upgrade(url)
    engine = create_db_engine(url, pool_size=2)
    yield engine
    engine.dispose()
    if backend == "postgresql":
        drop_postgres_database(url)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_recompute_all_in_worker_processes_stores_what_the_serial_run_computes(
    committed_engine, monkeypatch, start_method
):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_VENDORS", 0)
    monkeypatch.setattr(parallel, "_start_method", lambda: start_method)
    pools: list[int] = []
    start_pool = parallel.run_groups

    def counted(*args, **kwargs):
        pools.append(kwargs["workers"])
        return start_pool(*args, **kwargs)

    monkeypatch.setattr(parallel, "run_groups", counted)
    officer_id = 0
    with Session(committed_engine) as session:
        officer_id = make_user(session, role=Role.risk_officer).id or 0
        vendors = [make_vendor(session) for _ in range(5)]
        for exceptions, vendor in enumerate(vendors[:4]):
            _add_report(session, vendor, exceptions=exceptions)
        session.commit()
        ids = [vendor.id or 0 for vendor in vendors]
        scoring_service.recompute_all(session, as_of=AS_OF, workers=1)
        seen = overrides.override_version(scoring_service.latest_score(session, ids[0]))
        overrides.override_score(
            session, vendors[0], value=Decimal("55"), reason="Known gap", user_id=officer_id,
            as_of=AS_OF, expected_version=seen,
        )  # fmt: skip
        _add_report(session, vendors[0], exceptions=7)  # a newer report ends the override
        session.commit()
    progress: list[tuple[int, int]] = []

    with Session(committed_engine) as session:
        changed = scoring_service.recompute_all(
            session,
            as_of=AS_OF,
            group_size=2,
            workers=2,
            on_progress=lambda done, total: progress.append((done, total)),
        )
        session.commit()

    assert changed == 1
    assert pools == [2]
    assert progress == [(2, 5), (4, 5), (5, 5)]
    with Session(committed_engine) as session:
        scores = [scoring_service.latest_score(session, vendor_id) for vendor_id in ids]
        assert scores[0] is not None and scores[0].override_value is None
        assert len(_events(session, "score.override_lapsed")) == 1
        assert _events(session, "scores.recomputed")[-1].data["changed"] == 1
        # The dashboard rows were refreshed by the workers, in their own transactions.
        rows = [session.get(VendorReview, vendor_id) for vendor_id in ids]
        shown = [(row.score_value, row.band) for row in rows if row is not None]
        assert shown == [(score.value, score.band) for score in scores if score is not None]
        # The serial path finds nothing to change: the workers stored exactly its results.
        assert scoring_service.recompute_all(session, as_of=AS_OF, workers=1) == 0
        assert audit_service.verify(session) is None


def test_a_bulk_insert_of_decisions_refreshes_the_dashboard_row_too(session):
    officer = make_user(session, role=Role.risk_officer)
    vendor = make_vendor(session)
    _add_report(session, vendor)
    scoring_service.recompute_all(session, as_of=AS_OF)
    decision = {
        "vendor_id": vendor.id,
        "outcome": DecisionOutcome.approved,
        "reason": "Clean report",
        "decided_by_id": officer.id,
        "decided_at": utcnow(),
    }
    session.execute(insert(Decision), [decision])
    row = session.get(VendorReview, vendor.id)
    assert row is not None
    session.refresh(row)
    assert row.latest_decision == "approved"
    assert row.band == scoring_service.latest_score(session, vendor.id or 0).band
