"""Orphaned objects are found and removed by `storage sweep`; `storage verify` and the nightly
job check every stored document against its SHA-256."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.cli import build_app
from app.core.config import Environment, Settings, get_settings
from app.core.db import dispose_engines, get_engine, utcnow
from app.reports import crypto
from app.reports import service as reports_service
from app.reports.models import Document
from app.reports.storage import CHUNK, LocalStorage
from app.reports.upkeep import check_integrity, sweep_orphans
from tests.conftest import fresh_database_url
from tests.factories import make_vendor
from tests.web.reviews.helpers import add_document

app = build_app()
CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"
KEY = bytes(range(32))
pytestmark = pytest.mark.db


def _orphan(storage: LocalStorage, *, hours_old: float) -> str:
    key = storage.commit(storage.stage(io.BytesIO(b"%PDF-1.7 left behind"), max_bytes=CHUNK))
    path = storage.root / key[:2] / key
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    return key


def _document(session: Session, storage: LocalStorage):
    vendor = make_vendor(session)
    unused = Settings(env=Environment.test, storage_dir=storage.root)
    data = (CORPUS / "a01.pdf").read_bytes()
    return add_document(session, unused, vendor, content=data, rescore=False, storage=storage)


def _actions(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.sequence))
        ).all()
    )


def test_a_dry_run_lists_old_orphans_only_and_apply_removes_them(session, tmp_path):
    storage = LocalStorage(tmp_path, crypto.KeyRing(KEY))
    document = _document(session, storage)
    old = _orphan(storage, hours_old=3)
    in_flight = _orphan(storage, hours_old=0)
    dry = sweep_orphans(session, storage, now=utcnow(), apply=False, actor="cli")
    assert dry.unreferenced == [old] and dry.removed == 0
    assert {key for key, _ in storage.stored_objects()} == {old, in_flight, document.storage_key}
    done = sweep_orphans(session, storage, now=utcnow(), apply=True, actor="cli")
    assert done.removed == 1
    assert {key for key, _ in storage.stored_objects()} == {in_flight, document.storage_key}
    assert storage.read(document.storage_key, sha256=document.sha256)
    events = _actions(session, "storage.swept")
    assert [event.data["applied"] for event in events] == [False, True]
    assert events[1].data["removed"] == 1


def test_parts_of_uploads_cut_off_by_a_kill_are_removed_from_staging_after_an_hour(
    session, tmp_path
):
    storage = LocalStorage(tmp_path, crypto.KeyRing(KEY))
    cut_off = storage.stage(io.BytesIO(b"%PDF-1.7 half an upload"), max_bytes=CHUNK).path
    under_way = storage.stage(io.BytesIO(b"%PDF-1.7 still arriving"), max_bytes=CHUNK).path
    then = time.time() - 2 * 3600
    os.utime(cut_off, (then, then))
    dry = sweep_orphans(session, storage, now=utcnow(), apply=False, actor="cli")
    assert dry.unfinished_uploads == [cut_off.name] and cut_off.exists()
    done = sweep_orphans(session, storage, now=utcnow(), apply=True, actor="cli")
    assert done.unfinished_uploads == [cut_off.name]
    assert not cut_off.exists() and under_way.exists()
    assert _actions(session, "storage.swept")[-1].data["unfinished_uploads"] == 1


def test_the_integrity_check_reports_missing_and_altered_objects(session, tmp_path):
    storage = LocalStorage(tmp_path, crypto.KeyRing(KEY))
    intact, missing, altered = (_document(session, storage) for _ in range(3))
    (tmp_path / missing.storage_key[:2] / missing.storage_key).unlink()
    path = tmp_path / altered.storage_key[:2] / altered.storage_key
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    failures = check_integrity(session, storage, actor="system:worker")
    assert {(f.document_id, f.problem) for f in failures} == {
        (missing.id, "object missing"),
        (altered.id, "does not match its SHA-256"),
    }
    assert intact.id not in {f.document_id for f in failures}
    failed = _actions(session, "document.integrity_failed")
    assert {event.subject_id for event in failed} == {str(missing.id), str(altered.id)}
    [checked] = _actions(session, "storage.checked")
    assert checked.data == {"documents": 3, "failures": 2}


def test_the_sweep_and_verify_commands(backend, tmp_path, monkeypatch):
    url = fresh_database_url(backend, "sweep", tmp_path)
    storage_dir = tmp_path / "storage"
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    monkeypatch.setenv("DILIGENCE_STORAGE_DIR", str(storage_dir))
    monkeypatch.setenv("DILIGENCE_STORAGE_KEY", KEY.hex())
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        storage = LocalStorage(storage_dir, crypto.KeyRing(KEY))
        with Session(get_engine(url, pool_size=2)) as session:
            _document(session, storage)
            session.commit()
        orphan = _orphan(storage, hours_old=2)
        listed = runner.invoke(app, ["storage", "sweep"])
        assert listed.exit_code == 0, listed.output
        assert f"unreferenced {orphan}" in listed.output
        assert "run with --apply" in listed.output
        assert (storage_dir / orphan[:2] / orphan).exists()
        applied = runner.invoke(app, ["storage", "sweep", "--apply"])
        assert "1 unreferenced object(s) removed" in applied.output
        assert not (storage_dir / orphan[:2] / orphan).exists()
        verified = runner.invoke(app, ["storage", "verify"])
        assert verified.exit_code == 0, verified.output
        assert "0 integrity failure(s)" in verified.output
    finally:
        dispose_engines()
        get_settings.cache_clear()


def test_a_removed_document_keeps_its_file_until_the_removal_is_committed(session, tmp_path):
    storage = LocalStorage(tmp_path, crypto.KeyRing(KEY))
    document = _document(session, storage)
    session.commit()
    path = storage.root / document.storage_key[:2] / document.storage_key
    assert path.exists()
    reports_service.delete_document(
        session, document=document, storage=storage, actor="test", reason="wrong file"
    )
    session.flush()
    assert path.exists()  # not yet committed: a rollback must find its file again
    session.rollback()
    assert path.exists()
    again = session.get(Document, document.id)
    assert again is not None
    reports_service.delete_document(
        session, document=again, storage=storage, actor="test", reason="wrong file"
    )
    session.commit()
    assert not path.exists()
