"""After a storage key rotation, `storage rewrap` puts every document under the new key."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.auth.totp_secrets import seal, unseal
from app.cli import build_app
from app.core.config import Environment, Settings, get_settings
from app.core.db import dispose_engines, get_engine
from app.reports import crypto
from app.reports.models import Document
from app.reports.rotation import FAILED, MISSING, rewrap_all
from app.reports.storage import CHUNK, DocumentIntegrityError, LocalStorage, Rewrapped, StagedFile
from tests.conftest import fresh_database_url
from tests.factories import make_user, make_vendor
from tests.web.reviews.helpers import add_document

app = build_app()

CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"
OLD_KEY = bytes(range(32))
NEW_KEY = bytes(range(32, 64))
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _named_by_hash(staged: StagedFile) -> tuple[StagedFile, str]:
    """Name an object by its SHA-256, as before random names: read() then needs no hash."""
    return staged, staged.sha256


def _store(session: Session, storage: LocalStorage, name: str) -> Document:
    data = (CORPUS / name).read_bytes()
    vendor = make_vendor(session)
    unused = Settings(env=Environment.test, storage_dir=storage.root)
    return add_document(
        session, unused, vendor, content=data, filename=name, rescore=False, storage=storage
    )


def test_rewrap_moves_every_object_to_the_new_key_and_a_second_run_finds_them_current(
    session, tmp_path
):
    before = LocalStorage(tmp_path, crypto.KeyRing(OLD_KEY))
    documents = [_store(session, before, name) for name in ("a01.pdf", "a02.pdf")]
    rotated = LocalStorage(tmp_path, crypto.KeyRing(NEW_KEY, (OLD_KEY,)))
    progress: list[tuple[int, int]] = []

    run = rewrap_all(session, rotated, actor="cli", on_progress=lambda *p: progress.append(p))

    assert run.ok and run.outcomes == {Rewrapped.rewrapped.value: 2}
    assert progress[-1] == (2, 2)
    only_new = LocalStorage(tmp_path, crypto.KeyRing(NEW_KEY))
    for document in documents:
        content = only_new.read(document.storage_key, sha256=document.sha256)
        assert hashlib.sha256(content).hexdigest() == document.sha256
    with pytest.raises(DocumentIntegrityError):
        LocalStorage(tmp_path, crypto.KeyRing(OLD_KEY)).read(
            documents[0].storage_key, sha256=documents[0].sha256
        )
    again = rewrap_all(session, rotated, actor="cli")
    assert again.outcomes == {Rewrapped.current.value: 2}
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.action) == "storage.rewrapped")
        .order_by(col(AuditEvent.sequence))
    ).all()
    assert [event.data for event in events] == [
        {"objects": 2, "rewrapped": 2},
        {"objects": 2, "already current": 2},
    ]


def test_missing_objects_and_unknown_keys_are_reported_and_the_rest_is_done(session, tmp_path):
    old = LocalStorage(tmp_path, crypto.KeyRing(OLD_KEY))
    kept, lost, foreign = (_store(session, old, name) for name in ("a01.pdf", "a02.pdf", "a03.pdf"))
    old._final_path(lost.storage_key).unlink()
    # Encrypted under a key this deployment never had:
    other = LocalStorage(tmp_path, crypto.KeyRing(bytes(32)))
    stray = other.commit(
        *_named_by_hash(other.stage(io.BytesIO(b"%PDF-1.7 stray"), max_bytes=CHUNK))
    )
    foreign.storage_key = stray
    session.add(foreign)
    session.flush()

    run = rewrap_all(
        session, LocalStorage(tmp_path, crypto.KeyRing(NEW_KEY, (OLD_KEY,))), actor="cli"
    )

    assert not run.ok
    assert run.outcomes == {Rewrapped.rewrapped.value: 1, MISSING: 1, FAILED: 1}
    assert any(f"document {lost.id}" in problem for problem in run.problems)
    assert any(f"document {foreign.id}" in problem for problem in run.problems)
    assert LocalStorage(tmp_path, crypto.KeyRing(NEW_KEY)).read(
        kept.storage_key, sha256=kept.sha256
    )


def test_the_storage_rewrap_command_reports_its_counts(backend, tmp_path, monkeypatch):
    url = fresh_database_url(backend, "rewrap", tmp_path)
    storage_dir = tmp_path / "storage"
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    monkeypatch.setenv("DILIGENCE_STORAGE_DIR", str(storage_dir))
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        with Session(get_engine(url, pool_size=2)) as session:
            _store(session, LocalStorage(storage_dir, crypto.KeyRing(OLD_KEY)), "a01.pdf")
            session.commit()
        monkeypatch.setenv("DILIGENCE_STORAGE_KEY", NEW_KEY.hex())
        monkeypatch.setenv("DILIGENCE_STORAGE_PREVIOUS_KEYS", f'["{OLD_KEY.hex()}"]')
        get_settings.cache_clear()
        result = runner.invoke(app, ["storage", "rewrap"])
        assert result.exit_code == 0, result.output
        assert "stored objects: 1 rewrapped" in result.output
        again = runner.invoke(app, ["storage", "rewrap"])
        assert "stored objects: 1 already current" in again.output
    finally:
        dispose_engines()
        get_settings.cache_clear()


def test_rewrap_seals_second_factor_secrets_under_the_new_key_too(backend, tmp_path, monkeypatch):
    url = fresh_database_url(backend, "resealtotp", tmp_path)
    monkeypatch.setenv("DILIGENCE_DATABASE_URL", url)
    monkeypatch.setenv("DILIGENCE_STORAGE_DIR", str(tmp_path / "storage"))
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        with Session(get_engine(url, pool_size=2)) as session:
            user = make_user(session, role=Role.admin)
            user_id = user.id
            user.totp_secret_sealed = seal([OLD_KEY], user_id, SECRET)
            session.add(user)
            session.commit()
        monkeypatch.setenv("DILIGENCE_STORAGE_KEY", NEW_KEY.hex())
        monkeypatch.setenv("DILIGENCE_STORAGE_PREVIOUS_KEYS", f'["{OLD_KEY.hex()}"]')
        get_settings.cache_clear()
        result = runner.invoke(app, ["storage", "rewrap"])
        assert result.exit_code == 0, result.output
        assert "second-factor secrets: 1 resealed, 0 already current" in result.output
        with Session(get_engine(url, pool_size=2)) as session:
            sealed = session.get(User, user_id).totp_secret_sealed
        assert unseal([NEW_KEY], user_id, sealed) == SECRET  # the old key can now be dropped

        monkeypatch.setenv("DILIGENCE_STORAGE_KEY", bytes(range(64, 96)).hex())
        monkeypatch.setenv("DILIGENCE_STORAGE_PREVIOUS_KEYS", "[]")
        get_settings.cache_clear()
        lost = runner.invoke(app, ["storage", "rewrap"])
        assert lost.exit_code == 1
        assert f"user {user_id}: the second-factor secret is not opened" in lost.output
    finally:
        dispose_engines()
        get_settings.cache_clear()
