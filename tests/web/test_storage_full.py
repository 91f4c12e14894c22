"""A full disk refuses an upload with 507 and a plain message, and keeps nothing of it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sqlmodel import select

from app.reports import storage as storage_module
from app.reports.models import Document
from tests.portal_helpers import open_portal, portal_token, send_request

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def _disk_full(_fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_an_upload_to_a_full_disk_is_refused_plainly_and_leaves_nothing(
    client, session, settings, monkeypatch
):
    request, token = send_request(session, settings)
    open_portal(client, token)
    client.post(
        "/portal/answers/holds_soc2_type2",
        data={
            "q__holds_soc2_type2": "yes",
            "v__holds_soc2_type2": "0",
            "csrf_token": portal_token(client),
        },
        headers={"HX-Request": "true"},
    )
    monkeypatch.setattr(storage_module.os, "fsync", _disk_full)

    response = client.post(
        "/portal/uploads/soc2_report_file",
        data={"csrf_token": portal_token(client)},
        files={"file": ("soc2.pdf", (CORPUS / "a01.pdf").read_bytes(), "application/pdf")},
    )

    assert response.status_code == 507
    assert "no room to store files" in response.text
    assert session.exec(select(Document).where(Document.request_id == request.id)).all() == []
    root = Path(settings.storage_dir)
    kept = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    assert [str(p) for p in kept if not p.name.startswith(".")] == []  # no object, no staged part
