"""The administrator uploads a logo; staff pages, the vendor portal and invitations show it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlmodel import select

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.mail.models import OutgoingMail
from app.organisation import logo as logo_service
from app.organisation.models import SETTINGS_ROW_ID, OrganisationSettings
from app.reports import crypto
from app.reports.storage import LocalStorage
from app.reports.upkeep import sweep_orphans
from app.requests.reminders import send_reminders
from tests.factories import csrf_token, make_user, post_form, sign_in
from tests.portal_helpers import send_request

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))
OTHER_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(100, 250))
LOGO_SRC = re.compile(r'class="org-logo" src="(/organisation/logo/[0-9a-f]{16}\.png)"')


def _upload(client, data: bytes, filename: str = "logo.png", content_type: str = "image/png"):
    return client.post(
        "/admin/organisation/logo",
        data={"csrf_token": csrf_token(client, "/admin/organisation")},
        files={"logo": (filename, io.BytesIO(data), content_type)},
        follow_redirects=False,
    )


def test_an_uploaded_logo_shows_in_the_staff_header_and_is_served_as_an_image(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    assert _upload(client, PNG).status_code == 303
    page = client.get("/vendors").text
    path = LOGO_SRC.search(page).group(1)
    served = client.get(path)
    assert served.status_code == 200
    assert served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert "immutable" in served.headers["cache-control"]
    # The stored copy is encrypted like every document, under a random key.
    row = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.organisation_updated)
    ).one()
    assert event.data["changed"] == ["logo"]
    assert row.logo_key != row.logo_sha256


def test_the_vendor_portal_the_invitation_and_the_reminder_show_the_logo(client, session, settings):
    sign_in(client, make_user(session, role=Role.admin))
    assert _upload(client, PNG).status_code == 303
    client.cookies.clear()
    request, token = send_request(session, settings)
    landing = client.get(f"/portal/{token}").text
    path = LOGO_SRC.search(landing).group(1)
    assert client.get(path).content == PNG  # without any session: mail clients send no cookie
    invitation = session.exec(
        select(OutgoingMail).where(OutgoingMail.purpose == "invitation")
    ).one()
    assert f'<img src="{settings.public_base_url}{path}"' in invitation.html_body
    send_reminders(session, today=request.due_on - timedelta(days=1), settings=settings)
    reminder = session.exec(select(OutgoingMail).where(OutgoingMail.purpose == "reminder")).one()
    assert f'<img src="{settings.public_base_url}{path}"' in reminder.html_body


def test_svg_and_oversized_files_are_refused_beside_the_field_and_nothing_changes(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = _upload(client, svg, filename="logo.png", content_type="image/png")
    assert refused.status_code == 422
    assert 'id="logo-error">SVG files can carry scripts' in refused.text
    too_big = _upload(client, PNG + b"\x00" * (600 * 1024))
    assert too_big.status_code == 422
    assert "it can be at most 512 KB" in too_big.text
    row = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    assert row is None or row.logo_key is None
    assert 'class="org-logo"' not in client.get("/vendors").text


def test_a_replaced_or_removed_logo_is_no_longer_served(client, session):
    sign_in(client, make_user(session, role=Role.admin))
    _upload(client, PNG)
    first = LOGO_SRC.search(client.get("/vendors").text).group(1)
    _upload(client, OTHER_PNG)
    second = LOGO_SRC.search(client.get("/vendors").text).group(1)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).content == OTHER_PNG
    assert post_form(client, "/admin/organisation/logo/remove").status_code == 303
    assert 'class="org-logo"' not in client.get("/vendors").text
    assert client.get(second).status_code == 404
    assert client.get("/organisation/logo/0123456789abcdef.png").status_code == 404


def test_only_administrators_change_the_logo(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    assert _upload(client, PNG).status_code == 403
    assert post_form(client, "/admin/organisation/logo/remove").status_code == 403


def test_the_storage_sweep_keeps_the_logo(session, tmp_path):
    storage = LocalStorage(tmp_path, crypto.KeyRing(bytes(range(32))))
    logo_service.set_logo(session, storage, data=PNG, actor="system", user_id=None)
    later = utcnow().replace(year=utcnow().year + 1)
    run = sweep_orphans(session, storage, now=later, apply=True, actor="cli")
    assert run.unreferenced == []
    row = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    assert storage.read(row.logo_key, sha256=row.logo_sha256) == PNG
