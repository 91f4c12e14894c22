"""Remediation in the browser: the officer raises an item, the vendor answers it through its
link with evidence, and the officer verifies and closes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from app.core.db import utcnow
from app.remediation.domain.rules import RemediationStatus
from app.remediation.models import RemediationItem
from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import LiveServer, PageChecker, sign_in, sign_out, watch_console
from tests.e2e.test_portal_edges import send_to_new_vendor, server_session
from tests.soc2_reports import build_soc2_type2

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["server_session"]  # the fixture, shared with the portal's edge cases


def test_the_vendor_answers_an_item_through_its_link_and_the_officer_closes_it(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    server_session: Session,
    check: PageChecker,
    tmp_path,
) -> None:
    request, link = send_to_new_vendor(server_session, live_server)
    vendor_id = request.vendor_id
    evidence = tmp_path / "mfa-rollout.pdf"
    evidence.write_bytes(build_soc2_type2("Edge Case Vendor", period_end=utcnow().date()))
    due = (utcnow().date() + timedelta(days=30)).isoformat()

    officer = new_page()
    errors = watch_console(officer)
    sign_in(officer, STAFF["risk_officer"], PASSWORD)
    officer.goto(f"/vendors/{vendor_id}/remediation/new")
    officer.get_by_label("What must change (required)").fill(
        "Enforce multi-factor sign-in for every administrator"
    )
    officer.get_by_label("Due date (required)").fill(due)
    officer.get_by_label("Severity").select_option("high")
    check(officer, "remediation-new")
    officer.get_by_role("button", name="Create the item").click()
    officer.get_by_text("Item created.").wait_for()
    officer.get_by_role("button", name="Ask the vendor").click()
    officer.get_by_text("The vendor sees this item through its link now.").wait_for()
    check(officer, "remediation-item")
    item_url = officer.url.split("?")[0]
    sign_out(officer)

    vendor = new_page()
    vendor.goto(link)
    vendor.get_by_role("button", name="Continue to the questionnaire").click()
    vendor.get_by_role("link", name="asked for after a review").click()
    vendor.get_by_role(
        "heading", name="Enforce multi-factor sign-in for every administrator"
    ).wait_for()
    check(vendor, "portal-remediation")
    vendor.get_by_label("What you changed (required)").fill(
        "All administrator accounts now require a hardware key since 1 December."
    )
    vendor.get_by_label("Evidence (optional, PDF)").set_input_files(str(evidence))
    vendor.get_by_role("button", name="Send the answer").click()
    vendor.get_by_text("your answer was sent to").wait_for()
    vendor.get_by_text("Your answer is being reviewed").wait_for()
    assert vendor.get_by_role("button", name="Send the answer").count() == 0

    sign_in(officer, STAFF["risk_officer"], PASSWORD)
    officer.goto(item_url)
    officer.get_by_text("require a hardware key since 1 December").wait_for()
    officer.get_by_text("mfa-rollout.pdf").wait_for()
    officer.get_by_label("How it was verified (optional)").fill("Checked the identity provider.")
    officer.get_by_role("button", name="Verified: close").click()
    officer.get_by_text("Item closed.").wait_for()
    officer.goto("/remediation?status=closed")
    officer.get_by_role(
        "link", name="Enforce multi-factor sign-in for every administrator"
    ).wait_for()
    check(officer, "remediation-list")
    assert errors == []

    server_session.expire_all()
    item = server_session.exec(
        select(RemediationItem).where(RemediationItem.vendor_id == vendor_id)
    ).one()
    server_session.commit()
    assert item.status is RemediationStatus.closed

    vendor.reload()
    vendor.get_by_text("Nothing is waiting for you").wait_for()
