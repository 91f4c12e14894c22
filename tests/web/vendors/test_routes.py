from __future__ import annotations

from app.auth.models import Role
from tests.factories import make_user, make_vendor, sign_in


def test_vendor_list_shows_an_empty_state(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/vendors")
    assert page.status_code == 200
    assert "No vendors yet" in page.text


def test_vendor_list_searches_by_name_and_escapes_input(client, session):
    make_vendor(session, name="Acme Hosting")
    make_vendor(session, name="Globex Analytics")
    sign_in(client, make_user(session))
    page = client.get("/vendors", params={"q": "acme"})
    assert "Acme Hosting" in page.text
    assert "Globex Analytics" not in page.text
    page = client.get("/vendors", params={"q": "<b>zzz</b>"})
    assert "<b>zzz</b>" not in page.text
    assert "No vendor matches" in page.text


def test_vendor_list_paginates(client, session):
    for number in range(30):
        make_vendor(session, name=f"Paged Vendor {number:02d}")
    sign_in(client, make_user(session))
    first = client.get("/vendors", params={"q": "Paged"})
    second = client.get("/vendors", params={"q": "Paged", "page": 2})
    assert "Paged Vendor 00" in first.text and "Paged Vendor 29" not in first.text
    assert "Paged Vendor 29" in second.text
    assert "Page 2 of 2" in second.text


def test_vendor_page_shows_profile_and_unknown_vendor_is_404(client, session):
    vendor = make_vendor(session, name="Initech", services_used="Payroll")
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}")
    assert "Initech" in page.text and "Payroll" in page.text
    assert client.get("/vendors/999999").status_code == 404
