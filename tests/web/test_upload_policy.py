"""The upload policy through every way a file comes in: portal, staff page and API.

A file that cannot be read is refused with 422 and a reason the uploader can act on; nothing
of it is kept (no document row, no stored object) and the refusal is in the audit trail with
the file's SHA-256 and never its content. A readable file with active content is kept and
flagged for staff. With a malware scanner configured, a match is quarantined and audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.config import Settings
from app.reports.models import Document
from tests.api.helpers import bearer, token_for
from tests.factories import csrf_token, make_user, make_vendor, post_form, sign_in
from tests.form_pages import read_field
from tests.portal_helpers import open_portal, portal_token, send_request
from tests.unit.reports import fixture_pdfs

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
A01 = (CORPUS / "a01.pdf").read_bytes()
pytestmark = pytest.mark.db

Post = Callable[[bytes], object]


def _through_portal(client, session, settings) -> Callable[[bytes], object]:
    _request, token = send_request(session, settings)
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

    def post(data: bytes):
        return client.post(
            "/portal/uploads/soc2_report_file",
            data={"csrf_token": portal_token(client)},
            files={"file": ("report.pdf", data, "application/pdf")},
            follow_redirects=False,
        )

    return post


def _through_staff_page(client, session, _settings) -> Callable[[bytes], object]:
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    token = csrf_token(client, f"/vendors/{vendor.id}")

    def post(data: bytes):
        return client.post(
            f"/vendors/{vendor.id}/documents",
            data={"csrf_token": token},
            files={"file": ("report.pdf", data, "application/pdf")},
            follow_redirects=False,
        )

    return post


def _through_api(client, session, _settings) -> Callable[[bytes], object]:
    vendor = make_vendor(session)
    headers = bearer(token_for(session, make_user(session, role=Role.risk_officer)))

    def post(data: bytes):
        return client.post(
            f"/api/v1/vendors/{vendor.id}/documents",
            headers=headers,
            files={"file": ("report.pdf", data, "application/pdf")},
        )

    return post


CHANNELS = {"portal": _through_portal, "staff": _through_staff_page, "api": _through_api}
HOSTILE = {
    "truncated": (lambda: A01[: len(A01) // 2], "incomplete"),
    "random after the header": (fixture_pdfs.random_after_header, "damaged"),
    "decompression bomb": (fixture_pdfs.build_compression_bomb, "expands"),
    "page-tree cycle": (fixture_pdfs.build_page_tree_cycle, "damaged"),
    "20,000 pages": (lambda: fixture_pdfs.build_many_pages(20_000), "the limit is 2000"),
    "user password": (
        lambda: fixture_pdfs.encrypt(A01, user_password="s3cret", owner_password="o"),
        "needs a password",
    ),
}


def _stored_objects(settings: Settings) -> list[Path]:
    root = settings.storage_dir
    return [p for p in root.glob("[0-9a-f][0-9a-f]/*") if p.is_file()] if root.exists() else []


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_unreadable_files_are_refused_with_a_reason_and_nothing_is_kept(
    client, session, settings, channel, case
):
    build, words = HOSTILE[case]
    data = build()
    post = CHANNELS[channel](client, session, settings)
    response = post(data)
    assert response.status_code == 422
    assert words in response.text
    if channel == "staff":  # the vendor's page again, the reason beside the file field
        refusal = read_field(response.text, "document-file").error
        assert refusal is not None and words in refusal
    assert session.exec(select(Document)).all() == []
    assert _stored_objects(settings) == []
    [event] = _events(session, "document.refused")
    assert event.data["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.data["channel"] == channel
    assert words in event.data["message"]
    assert "%PDF" not in str(event.data)


@pytest.mark.parametrize("channel", CHANNELS)
def test_active_content_is_kept_flagged_and_downloaded_only_as_an_attachment(
    client, session, settings, channel
):
    post = CHANNELS[channel](client, session, settings)
    response = post(fixture_pdfs.with_active_content(A01))
    assert response.status_code in (201, 303)
    [document] = session.exec(select(Document)).all()
    assert document.active_content == ["embedded_file", "javascript", "launch_action"]
    assert len(_stored_objects(settings)) == 1
    [event] = _events(session, "document.uploaded")
    assert event.data["active_content"] == document.active_content
    if channel == "api":
        assert response.json()["document"]["active_content"] == document.active_content


def test_staff_see_the_active_content_flag_on_the_vendor_page(client, session, settings):
    post = _through_staff_page(client, session, settings)
    assert post(fixture_pdfs.with_appended_zip(A01)).status_code == 303
    [document] = session.exec(select(Document)).all()
    page = client.get(f"/vendors/{document.vendor_id}")
    assert "Active content" in page.text
    assert "data after the end of the PDF" in page.text
    post_form(client, "/documents/acknowledge", {"accept": "yes", "next": "/"})
    download = client.get(f"/documents/{document.id}/download")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment")


def test_readiness_warns_while_malware_scanning_is_off(client):
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert any("malware scanning is off" in warning for warning in body["warnings"])


def test_stored_objects_have_random_names_and_hash_named_ones_still_open(client, session, settings):
    post = _through_staff_page(client, session, settings)
    assert post(A01).status_code == 303
    [document] = session.exec(select(Document)).all()
    digest = hashlib.sha256(A01).hexdigest()
    assert document.sha256 == digest and document.storage_key != digest
    [stored] = _stored_objects(settings)
    assert stored.name == document.storage_key  # nothing on disk is named by the content hash
    # An object stored before random names: named by its hash, and the row says so.
    legacy = settings.storage_dir / digest[:2] / digest
    legacy.parent.mkdir(parents=True, exist_ok=True)
    stored.rename(legacy)
    document.storage_key = digest
    session.add(document)
    session.flush()
    post_form(client, "/documents/acknowledge", {"accept": "yes", "next": "/"})
    download = client.get(f"/documents/{document.id}/download")
    assert download.status_code == 200 and download.content == A01


def test_an_upload_whose_write_fails_leaves_no_stored_object(
    client, session, settings, monkeypatch
):
    post = _through_staff_page(client, session, settings)

    def fail_after_storing(*_args, **_kwargs):
        assert len(_stored_objects(settings)) == 1  # the object followed the row
        raise RuntimeError("the write failed after the object was stored")

    monkeypatch.setattr("app.evidence.intake.evidence_changed", fail_after_storing)
    with pytest.raises(RuntimeError):
        post(A01)
    assert _stored_objects(settings) == []


def test_a_staff_upload_too_large_or_without_a_file_is_refused_on_the_vendors_page(
    client, session, settings
):
    settings.max_upload_mb = 1
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    big = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)
    too_large = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {"source_url": "https://trust.vendor.example", "source_terms": "public"},
        files={"file": ("big.pdf", big, "application/pdf")},
    )
    assert too_large.status_code == 413
    assert read_field(too_large.text, "document-file").error == (
        "The file is larger than 1 MB; the limit is 1 MB."
    )
    # The trust-center details typed beside it are kept for the next try.
    assert read_field(too_large.text, "source-url").value == "https://trust.vendor.example"
    no_file = post_form(
        client,
        f"/vendors/{vendor.id}/documents",
        {"source_url": ""},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert no_file.status_code == 422
    assert read_field(no_file.text, "document-file").error == "Choose a file to upload."
    assert session.exec(select(Document)).all() == []
