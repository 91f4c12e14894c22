"""The upload limit applies to every way a file comes in, counted before the body is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.auth.models import Role
from app.core.config import Environment, Settings
from tests.api.helpers import bearer, token_for
from tests.factories import csrf_token, make_user, make_vendor, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request

PDF = (Path(__file__).parents[1] / "fixtures" / "corpus" / "a13.pdf").read_bytes()
pytestmark = pytest.mark.db


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(
        env=Environment.test,
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        outbox_dir=tmp_path / "outbox",
        organisation_name="Buyer Ltd",
        rate_limits={"upload": "2/hour"},
    )


def test_a_portal_session_may_upload_only_so_many_files_an_hour(client, session, settings):
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
    statuses = [
        client.post(
            "/portal/uploads/soc2_report_file",
            data={"csrf_token": portal_token(client)},
            files={"file": (f"f{n}.pdf", PDF + bytes([n]), "application/pdf")},
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_staff_and_api_uploads_count_against_the_same_limit_per_user(client, session):
    vendor = make_vendor(session)
    user = make_user(session, role=Role.risk_officer)
    sign_in(client, user)
    page = client.post(
        f"/vendors/{vendor.id}/documents",
        data={"csrf_token": csrf_token(client, f"/vendors/{vendor.id}")},
        files={"file": ("a.pdf", PDF + b"1", "application/pdf")},
        follow_redirects=False,
    )
    assert page.status_code == 303
    headers = bearer(token_for(session, user))
    second = client.post(
        f"/api/v1/vendors/{vendor.id}/documents",
        headers=headers,
        files={"file": ("b.pdf", PDF + b"2", "application/pdf")},
    )
    assert second.status_code == 201
    third = client.post(
        f"/api/v1/vendors/{vendor.id}/documents",
        headers=headers,
        files={"file": ("c.pdf", PDF + b"3", "application/pdf")},
    )
    assert third.status_code == 429
    assert int(third.headers["retry-after"]) > 0
    assert "uploaded many files" in third.text
