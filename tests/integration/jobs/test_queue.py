"""Background work on the PostgreSQL job queue: queued with the change, run once, retried."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.core import migrate
from app.core.config import Environment, JobQueueMode, Settings
from app.core.db import get_engine, session_scope, utcnow
from app.jobs import tasks
from app.jobs.cli import worker
from app.jobs.mail import QueuedMailDispatcher
from app.jobs.queue import DELIVER_MAIL, READ_DOCUMENT, JobQueue, get_job_queue
from app.jobs.worker import build_worker_app, ensure_schema, run_worker
from app.mail.models import OutgoingMail
from app.reports import service as reports_service
from app.reports.models import Document, ExtractionStatus, ReportFacts, UploadChannel
from app.reports.storage_backends import get_storage
from app.reviews.models import VendorReview
from app.scoring.service import latest_score
from tests.conftest import fresh_database_url
from tests.factories import corpus_organization, make_vendor

CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("jobs")
    url = fresh_database_url("postgresql", "jobs", home)
    migrate.upgrade(url)
    settings = Settings(
        env=Environment.test,
        database_url=url,
        job_queue=JobQueueMode.postgres,
        storage_dir=home / "storage",
        outbox_dir=home / "outbox",
        storage_key="22" * 32,
    )
    assert ensure_schema(settings) is True
    return settings


@pytest.fixture
def queue(settings: Settings) -> JobQueue:
    found = get_job_queue(settings)
    assert found is not None
    return found


def _jobs(settings: Settings, task: str) -> list[dict]:
    with get_engine(settings.database_url).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, status, args, attempts FROM procrastinate_jobs "
                "WHERE task_name = :task ORDER BY id"
            ),
            {"task": task},
        )
        return [dict(row._mapping) for row in rows]


def _upload(settings: Settings, queue: JobQueue, session: Session, name: str = "a01.pdf"):
    vendor = make_vendor(session, aliases=[corpus_organization(name)])
    storage = get_storage(settings)
    with (CORPUS / name).open("rb") as source:
        screened = reports_service.screen(
            storage,
            source,
            max_bytes=settings.max_upload_bytes,
            allow_images=False,
            scanner=None,
            read_facts=False,  # the queue reads it
        )
    outcome = reports_service.upload_document(
        session,
        storage=storage,
        screened=screened,
        filename=name,
        vendor_id=vendor.id or 0,
        request_id=None,
        channel=UploadChannel.staff,
        actor="test",
        reading_queue=queue,
    )
    assert not isinstance(outcome, reports_service.Refusal), outcome
    return vendor, outcome.document


def _work_off_the_queue(settings: Settings, concurrency: int = 1) -> None:
    # Its own thread: the worker runs an event loop, and the test's thread may have one already.
    errors: list[BaseException] = []

    def work() -> None:
        try:
            run_worker(settings, concurrency=concurrency, wait=False, install_signal_handlers=False)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the worker did not finish the queue"
    assert errors == []


def _engine(settings: Settings):
    return get_engine(settings.database_url)


def test_an_upload_is_read_by_a_worker_which_also_rescores_the_vendor(settings, queue):
    with session_scope(_engine(settings)) as session:
        vendor, document = _upload(settings, queue, session)
        assert document.extraction_status is ExtractionStatus.pending
    jobs = [
        job for job in _jobs(settings, READ_DOCUMENT) if job["args"]["document_id"] == document.id
    ]
    assert [job["status"] for job in jobs] == ["todo"]

    _work_off_the_queue(settings, concurrency=2)

    with Session(_engine(settings)) as session:
        stored = session.get(Document, document.id)
        assert stored is not None and stored.extraction_status is ExtractionStatus.done
        facts = session.exec(select(ReportFacts).where(ReportFacts.document_id == document.id))
        assert facts.one().framework == "SOC 2"
        score = latest_score(session, vendor.id or 0)
        assert score is not None and score.value is not None  # nothing else scored this vendor


def test_an_upload_that_is_rolled_back_leaves_no_job_behind(settings, queue):
    before = len(_jobs(settings, READ_DOCUMENT))
    with Session(_engine(settings)) as session:
        _upload(settings, queue, session, "a02.pdf")
        session.rollback()
    assert len(_jobs(settings, READ_DOCUMENT)) == before


def test_reading_the_same_document_twice_reads_it_once(settings, queue):
    with session_scope(_engine(settings)) as session:
        _, document = _upload(settings, queue, session, "a03.pdf")
    today = utcnow().date()
    assert tasks.read_uploaded_document(settings, document.id or 0, today=today) == "read"
    assert tasks.read_uploaded_document(settings, document.id or 0, today=today) == "already read"


def test_the_sweeper_requeues_a_document_whose_job_was_lost_but_only_once(settings, queue):
    with session_scope(_engine(settings)) as session:
        _, document = _upload(settings, queue, session, "a04.pdf")
        document.uploaded_at = utcnow() - timedelta(minutes=10)
        session.add(document)
    with get_engine(settings.database_url).begin() as conn:
        conn.execute(
            text("DELETE FROM procrastinate_jobs WHERE task_name = :t"), {"t": READ_DOCUMENT}
        )

    assert tasks.sweep(settings, queue).documents_requeued >= 1
    tasks.sweep(settings, queue)
    mine = [j for j in _jobs(settings, READ_DOCUMENT) if j["args"]["document_id"] == document.id]
    assert len(mine) == 1


def _document_with_storage_key(session: Session, key: str) -> Document:
    document = Document(
        vendor_id=make_vendor(session).id or 0,
        filename="lost.pdf",
        content_type="application/pdf",
        size_bytes=10,
        sha256=key,
        storage_key=key,
        uploaded_via=UploadChannel.staff,
    )
    session.add(document)
    session.flush()
    return document


def test_a_failing_job_is_scheduled_again(settings, queue):
    key = "ef" * 32
    # A read that fails but may heal: a folder stands where the stored object should be.
    (settings.storage_dir / key[:2] / key).mkdir(parents=True)
    with session_scope(_engine(settings)) as session:
        document = _document_with_storage_key(session, key)
        queue.defer_reading(session, document.id or 0)

    _work_off_the_queue(settings)

    (job,) = [j for j in _jobs(settings, READ_DOCUMENT) if j["args"]["document_id"] == document.id]
    assert job["status"] == "todo"
    assert job["attempts"] == 1


def test_a_document_whose_stored_file_is_gone_fails_once_in_words(settings, queue):
    with session_scope(_engine(settings)) as session:
        document = _document_with_storage_key(session, "ab" * 32)  # nothing stored under it
        queue.defer_reading(session, document.id or 0)

    _work_off_the_queue(settings)

    waiting = [j for j in _jobs(settings, READ_DOCUMENT) if j["args"]["document_id"] == document.id]
    assert [job["status"] for job in waiting] in ([], ["succeeded"])  # not scheduled again
    with Session(_engine(settings)) as session:
        stored = session.get(Document, document.id)
        assert stored is not None
        assert stored.extraction_status is ExtractionStatus.failed
        assert stored.extraction_error == "The stored file is missing; upload the document again."


def test_mail_asked_for_by_many_requests_is_one_waiting_job(settings, queue):
    with get_engine(settings.database_url).begin() as conn:
        conn.execute(
            text("DELETE FROM procrastinate_jobs WHERE task_name = :t"), {"t": DELIVER_MAIL}
        )
    dispatcher = QueuedMailDispatcher(queue)
    assert dispatcher.deliver() == 0
    dispatcher.deliver()
    assert [job["status"] for job in _jobs(settings, DELIVER_MAIL)] == ["todo"]


def test_queued_mail_is_sent_by_the_worker(settings, queue):
    with session_scope(_engine(settings)) as session:
        row = OutgoingMail(to="officer@example.com", subject="Weekly digest", text_body="Hi")
        session.add(row)
    QueuedMailDispatcher(queue).deliver()
    _work_off_the_queue(settings)
    with Session(_engine(settings)) as session:
        sent = session.get(OutgoingMail, row.id)
        assert sent is not None and sent.sent_at is not None
    assert any(settings.outbox_dir.iterdir())


def test_reminders_digests_and_rescoring_are_scheduled_by_the_queue(settings):
    app = build_worker_app(settings)
    schedules = {
        task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()
    }
    assert schedules == {
        "diligence.send_reminders": "0 6 * * *",
        "diligence.send_reassessments": "15 6 * * *",
        "diligence.reopen_accepted_risks": "45 5 * * *",
        "diligence.send_digest": "0 7 * * 1",
        "diligence.recompute_scores": "30 2 * * *",
        "diligence.sweep": "* * * * *",
        "diligence.check_storage": "0 3 * * *",
    }


def test_setting_up_the_queue_twice_is_harmless(settings):
    assert ensure_schema(settings) is False


def test_with_sqlite_work_stays_in_process_and_the_worker_refuses_to_start(tmp_path, monkeypatch):
    sqlite = Settings(env=Environment.production, secret_key="s" * 40, storage_key="33" * 32)
    assert get_job_queue(sqlite) is None
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    from app.core.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(_worker_app(), [])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "needs PostgreSQL" in result.output


def _worker_app():
    import typer

    app = typer.Typer()
    app.command()(worker)
    return app


def test_postgres_in_production_uses_the_queue_unless_told_otherwise():
    url = "postgresql://db.internal/diligence"
    production = {"env": Environment.production, "secret_key": "s" * 40, "storage_key": "44" * 32}
    assert Settings(database_url=url, **production).uses_job_queue
    assert not Settings(
        database_url=url, job_queue=JobQueueMode.inprocess, **production
    ).uses_job_queue
    assert not Settings(database_url=url, env=Environment.test).uses_job_queue
    with pytest.raises(ValueError, match="needs a PostgreSQL"):
        Settings(job_queue=JobQueueMode.postgres)


_WORKER_ALONE = """
import sys
from app.core.config import Environment, JobQueueMode, Settings
from app.jobs.worker import run_worker

settings = Settings(
    env=Environment.test,
    database_url=sys.argv[1],
    job_queue=JobQueueMode.postgres,
    storage_dir=sys.argv[2],
    outbox_dir=sys.argv[3],
    storage_key="22" * 32,
)
run_worker(settings, concurrency=1, wait=False, install_signal_handlers=False)
web = sorted(m for m in sys.modules if m in ("app.main", "app.cli") or m.endswith(".routes"))
print("web modules:", web)
"""


def test_the_worker_alone_keeps_the_dashboard_row_current(settings, queue):
    with session_scope(_engine(settings)) as session:
        vendor, document = _upload(settings, queue, session, "a05.pdf")
        assert session.get(VendorReview, vendor.id) is None or (
            session.get(VendorReview, vendor.id).score_value is None
        )
    # A process of its own that imports the worker and nothing of the web application.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WORKER_ALONE,
            settings.database_url,
            str(settings.storage_dir),
            str(settings.outbox_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "web modules: []" in done.stdout, done.stdout + done.stderr
    with Session(_engine(settings)) as session:
        assert session.get(Document, document.id).extraction_status is ExtractionStatus.done
        row = session.get(VendorReview, vendor.id)
        score = latest_score(session, vendor.id or 0)
        assert row is not None and score is not None
        assert row.score_value == score.value and row.period_end is not None
