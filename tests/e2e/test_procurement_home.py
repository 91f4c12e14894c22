"""Procurement's home in a real browser: my requests, a send to several vendors, the logo, and
what a vendor sees on a link that was replaced."""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session

from app.core.db import create_db_engine
from app.vendors import service as vendors_service
from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import LiveServer, PageChecker, portal_link, sign_in, watch_console

if TYPE_CHECKING:
    from playwright.sync_api import Page

_runs = itertools.count(1)


@pytest.fixture
def server_session(live_server: LiveServer) -> Iterator[Session]:
    """A session on the live server's database, for setting up what the browser then sees."""
    engine = create_db_engine(live_server.database_url, pool_size=1)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain one-colour PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _vendors(session: Session, run: int) -> list[str]:
    names = [f"Bulk {run} Alder Systems", f"Bulk {run} Birch Cloud", f"Bulk {run} Cedar Quiet"]
    for index, name in enumerate(names):
        vendor = vendors_service.create_vendor(session, name=name, domain="bulk.example")
        if index < 2:
            vendors_service.add_contact(
                session,
                vendor_id=vendor.id or 0,
                name=f"Contact {index}",
                email=f"bulk{run}-{index}@bulk.example",
                is_primary=True,
            )
    session.commit()
    return names


def test_procurement_sends_to_several_vendors_and_a_replaced_link_explains_itself(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    check: PageChecker,
    server_session: Session,
) -> None:
    run = next(_runs)
    alder, birch, cedar = _vendors(server_session, run)
    admin = new_page()
    sign_in(admin, STAFF["admin"], PASSWORD)
    admin.goto("/admin/organisation")
    admin.get_by_label("Upload a logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _png(180, 48, (20, 90, 160))}
    )
    admin.get_by_role("button", name="Upload the logo").click()
    admin.get_by_role("img", name="Your current logo").wait_for()
    check(admin, "organisation-logo")

    buyer = new_page()
    errors = watch_console(buyer)
    sign_in(buyer, STAFF["procurement"], PASSWORD)
    buyer.get_by_role("heading", name="My requests", level=1).wait_for()
    check(buyer, "requests-mine-before")
    buyer.get_by_role("link", name="Send one questionnaire to several vendors").click()
    buyer.get_by_role("heading", name="Vendors without a contact").wait_for()
    check(buyer, "bulk-send-form")
    buyer.get_by_label("Questionnaire").select_option("soc-assurance")
    buyer.get_by_label("Due date").fill((date.today() - timedelta(days=2)).isoformat())
    buyer.get_by_label("Personal message").fill("Our yearly review")
    buyer.get_by_label(alder).check()
    buyer.get_by_label(birch).check()
    buyer.get_by_role("button", name="Send to the chosen vendors").click()
    buyer.locator("#due_on-error", has_text="The due date cannot be in the past.").wait_for()
    assert buyer.get_by_label("Personal message").input_value() == "Our yearly review"
    assert buyer.get_by_label(alder).is_checked()
    check(buyer, "bulk-send-errors")
    buyer.get_by_label("Due date").fill((date.today() + timedelta(days=5)).isoformat())
    buyer.get_by_role("button", name="Send to the chosen vendors").click()
    buyer.get_by_text("Sent to 2 of 2 vendors").wait_for()
    check(buyer, "bulk-send-result")
    assert cedar not in buyer.locator("main").inner_text()

    buyer.get_by_role("link", name="← My requests").click()
    buyer.get_by_role("heading", name="My requests", level=1).wait_for()
    assert buyer.get_by_text("Due soon").count() >= 2
    check(buyer, "requests-mine")

    first_link = portal_link(live_server.mails_to(f"bulk{run}-0@bulk.example")[0])
    buyer.get_by_role("link", name=alder).first.click()
    buyer.get_by_role("link", name="SOC reports and independent assurance").first.click()
    buyer.get_by_role("button", name="Resend with a new link").click()
    buyer.get_by_text("earlier links now tell the vendor").wait_for()
    check.console([e for e in errors if "422" not in e], "procurement")  # the refused due date

    vendor = new_page()
    vendor.goto(first_link)
    vendor.get_by_role("heading", name="A newer link was sent").wait_for()
    assert "A newer link was sent on" in vendor.locator("main").inner_text()
    check(vendor, "portal-link-replaced")
    newest = portal_link(live_server.mails_to(f"bulk{run}-0@bulk.example")[-1])
    vendor.goto(newest)
    vendor.get_by_role("img", name="Buyer").or_(vendor.locator("img.org-logo")).first.wait_for()
    check(vendor, "portal-landing-with-logo")
