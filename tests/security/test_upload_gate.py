"""Staff and API uploads are refused before their body is read unless the caller may upload."""

from __future__ import annotations

from collections.abc import Iterator

from app.auth.models import Role
from app.auth.permissions import Permission
from tests.api.helpers import API, assert_error, bearer, token_for
from tests.factories import csrf_token, make_user, make_vendor, sign_in
from tests.web.reviews.helpers import CORPUS

CHUNKS = 64  # 4 MiB in all


class StreamedBody:
    """A large multipart body that counts how much of it the server read."""

    def __init__(self) -> None:
        self.chunks_read = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(CHUNKS):
            self.chunks_read += 1
            yield b"x" * 65536


def _post(client, url: str, headers: dict[str, str]) -> tuple[object, StreamedBody]:
    body = StreamedBody()
    response = client.post(
        url,
        content=iter(body),
        headers={"content-type": "multipart/form-data; boundary=zzz", **headers},
    )
    return response, body


def test_an_anonymous_staff_upload_is_refused_before_its_body_is_read(client, session):
    vendor = make_vendor(session)
    token = csrf_token(client)
    response, body = _post(client, f"/vendors/{vendor.id}/documents", {"x-csrf-token": token})
    assert response.status_code == 401
    assert body.chunks_read < CHUNKS


def test_a_staff_upload_by_a_role_without_the_permission_is_refused_before_its_body(
    client, session
):
    sign_in(client, make_user(session, role=Role.auditor))
    vendor = make_vendor(session)
    token = csrf_token(client, "/")
    response, body = _post(client, f"/vendors/{vendor.id}/documents", {"x-csrf-token": token})
    assert response.status_code == 403
    assert body.chunks_read < CHUNKS


def test_an_api_upload_with_an_unknown_token_is_refused_before_its_body_is_read(client, session):
    vendor = make_vendor(session)
    headers = bearer("dlg_t_" + "x" * 43)
    response, body = _post(client, f"{API}/vendors/{vendor.id}/documents", headers)
    assert_error(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert body.chunks_read < CHUNKS


def test_an_api_upload_with_a_token_not_scoped_for_uploads_is_refused_before_its_body(
    client, session
):
    user = make_user(session, role=Role.risk_officer)
    headers = bearer(token_for(session, user, scopes=[Permission.vendors_read]))
    vendor = make_vendor(session)
    response, body = _post(client, f"{API}/vendors/{vendor.id}/documents", headers)
    assert_error(response, 403)
    assert body.chunks_read < CHUNKS


def test_a_token_allowed_to_upload_passes_the_gate(client, session):
    user = make_user(session, role=Role.procurement)
    headers = bearer(token_for(session, user, scopes=[Permission.reports_upload]))
    vendor = make_vendor(session)
    pdf = (CORPUS / "a01.pdf").read_bytes()
    response = client.post(
        f"{API}/vendors/{vendor.id}/documents",
        files={"file": ("a01.pdf", pdf, "application/pdf")},
        headers=headers,
    )
    assert response.status_code == 201, response.text
