"""Uploads never fail because answers are being saved, and leave no orphaned objects.

A real application on a real database file (no shared test session): staff uploads run on
threads while a vendor saves answers as fast as it can. Every upload is written through the
single-writer path, after the file was read outside any transaction.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core import migrate
from app.core.config import Environment, Settings
from app.core.db import dispose_engines, get_engine
from app.main import create_app
from app.reports.models import Document
from tests.conftest import fresh_database_url
from tests.factories import csrf_token, make_user, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request

pytestmark = [pytest.mark.slow, pytest.mark.db]
CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"
UPLOADS = ("a01.pdf", "a02.pdf", "a05.pdf", "a07.pdf", "a11.pdf", "a13.pdf")
ANSWER_SAVES = 60


def test_uploads_and_answer_saves_at_once_all_succeed_and_leave_no_orphans(backend, tmp_path):
    url = fresh_database_url(backend, "uploadload", tmp_path)
    migrate.upgrade(url)
    settings = Settings(
        env=Environment.test,
        database_url=url,
        storage_dir=tmp_path / "storage",
        outbox_dir=tmp_path / "outbox",
        organisation_name="Buyer Ltd",
        rate_limits={"upload": "1000/hour", "portal": "10000/minute"},
    )
    with Session(get_engine(url, pool_size=5), expire_on_commit=False) as session:
        request, token = send_request(session, settings)
        officer = make_user(session)
        vendor_id = request.vendor_id
        session.commit()
    app = create_app(settings)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    try:
        with TestClient(app) as staff, TestClient(app) as vendor:
            sign_in(staff, officer)
            upload_token = csrf_token(staff, f"/vendors/{vendor_id}")
            open_portal(vendor, token)
            save_token = portal_token(vendor)

            def upload(name: str) -> None:
                response = staff.post(
                    f"/vendors/{vendor_id}/documents",
                    data={"csrf_token": upload_token},
                    files={"file": (name, (CORPUS / name).read_bytes(), "application/pdf")},
                    follow_redirects=False,
                )
                with lock:
                    statuses[response.status_code] += 1

            def save(version: int, value: str) -> int:
                return vendor.post(
                    "/portal/answers/holds_soc2_type2",
                    data={
                        "q__holds_soc2_type2": value,
                        "v__holds_soc2_type2": str(version),
                        "csrf_token": save_token,
                    },
                    headers={"HX-Request": "true"},
                ).status_code

            # Answered first, so what the uploads pre-fill never touches this answer.
            assert save(0, "yes") == 200

            def save_answers() -> None:
                for n in range(ANSWER_SAVES):
                    status = save(n + 1, "no" if n % 2 else "yes")
                    with lock:
                        statuses[status] += 1

            threads = [threading.Thread(target=upload, args=(name,)) for name in UPLOADS]
            threads.append(threading.Thread(target=save_answers))
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            elapsed = time.monotonic() - started
        assert statuses[503] == 0, statuses
        assert statuses[303] == len(UPLOADS), statuses
        assert statuses[200] == ANSWER_SAVES, statuses
        with Session(get_engine(url, pool_size=5)) as session:
            documents = session.exec(select(Document)).all()
        keys = {document.storage_key for document in documents}
        stored = {p.name for p in (tmp_path / "storage").glob("[0-9a-f][0-9a-f]/*")}
        assert len(documents) == len(UPLOADS)
        assert stored == keys  # every object has its row, and every row its object
        assert elapsed < 240
    finally:
        dispose_engines()
