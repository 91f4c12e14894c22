"""Procurement's home: the requests they sent, overdue first, then due soon, then the rest."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.auth.models import Role
from app.requests import service as requests_service
from app.requests.models import RequestStatus
from app.vendors import service as vendors_service
from tests.factories import TEST_PASSWORD, make_user, make_vendor, post_form, sign_in

ROW_VENDOR = re.compile(r'<tr>\s*<td><a href="[^"]*/vendors/\d+">([^<]+)</a>')


def _send(session, settings, sender, vendor_name, *, due_in, status=None):
    vendor = make_vendor(session, name=vendor_name)
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Kim", email="kim@vendor.example", is_primary=True
    )
    request = requests_service.send_request(
        session,
        vendor_id=vendor.id,
        contact_id=contact.id,
        slug="soc-assurance",
        due_on=date.today() + timedelta(days=max(due_in, 0)),
        message="",
        sent_by=sender,
        settings=settings,
    )
    # A request that has gone overdue since it was sent.
    request.due_on = date.today() + timedelta(days=due_in)
    if status is not None:
        request.status = status
    session.add(request)
    session.flush()
    return request


def _vendors_in_order(page: str) -> list[str]:
    return ROW_VENDOR.findall(page)


def test_my_requests_show_mine_overdue_first_then_due_soon_then_the_rest(client, session, settings):
    me = make_user(session, role=Role.procurement)
    colleague = make_user(session, role=Role.procurement)
    _send(session, settings, me, "Far Away Ltd", due_in=30)
    _send(session, settings, me, "Late Corp", due_in=-3)
    _send(session, settings, me, "Soon Inc", due_in=4)
    _send(session, settings, me, "Done Late plc", due_in=-10, status=RequestStatus.submitted)
    _send(session, settings, colleague, "Someone Else", due_in=-5)
    sign_in(client, me)
    page = client.get("/requests")
    assert page.status_code == 200
    assert "<h1>My requests</h1>" in page.text
    assert _vendors_in_order(page.text) == [
        "Late Corp",
        "Soon Inc",
        "Done Late plc",
        "Far Away Ltd",
    ]
    assert page.text.count('class="pill flag">Overdue') == 1
    assert page.text.count('class="pill soon">Due soon') == 1
    everyone = client.get("/requests", params={"who": "all"}).text
    assert "<h1>All requests</h1>" in everyone
    assert _vendors_in_order(everyone)[:2] == ["Someone Else", "Late Corp"]
    assert "Sent by" in everyone and colleague.email in everyone


def test_my_requests_page_through_and_keep_the_choice(client, session, settings):
    me = make_user(session, role=Role.procurement)
    for number in range(26):
        _send(session, settings, me, f"Vendor {number:02d}", due_in=40)
    sign_in(client, me)
    first = client.get("/requests").text
    assert "Page 1 of 2 · 26 in all" in first
    assert 'href="http://testserver/requests?who=mine&amp;page=2"' in first
    second = client.get("/requests", params={"who": "mine", "page": 2}).text
    assert len(_vendors_in_order(second)) == 1


def test_someone_who_sent_nothing_is_told_so_and_offered_everyones(client, session, settings):
    _send(session, settings, make_user(session), "Other Vendor", due_in=10)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/requests").text
    assert "You have not sent any questionnaire yet" in page
    assert "?who=all" in page
    assert "Other Vendor" not in page


def test_readers_who_cannot_send_see_everyones_requests(client, session, settings):
    _send(session, settings, make_user(session), "Other Vendor", due_in=10)
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/requests").text
    assert "<h1>All requests</h1>" in page
    assert "Other Vendor" in page


def test_procurement_lands_on_its_requests_after_sign_in_and_others_on_the_dashboard(
    client, session
):
    buyer = make_user(session, role=Role.procurement)
    signed_in = post_form(client, "/login", {"email": buyer.email, "password": TEST_PASSWORD})
    assert signed_in.headers["location"] == "/requests"
    client.cookies.clear()
    asked = post_form(
        client, "/login", {"email": buyer.email, "password": TEST_PASSWORD, "next": "/vendors"}
    )
    assert asked.headers["location"] == "/vendors"
    client.cookies.clear()
    officer = make_user(session, role=Role.risk_officer)
    landed = post_form(client, "/login", {"email": officer.email, "password": TEST_PASSWORD})
    assert landed.headers["location"] == "/"
