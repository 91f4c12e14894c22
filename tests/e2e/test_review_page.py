"""The risk officer's review of a vendor with five documents, at desktop and phone widths.

The summary (score, one line per document, open findings, the decision) fits in two desktop
screens; details open on demand; a fact is corrected on its own small page; a refused
decision keeps what was typed and says beside each field what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session

from app.core.config import Environment, Settings
from app.core.db import create_db_engine
from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import DESKTOP, LiveServer, PageChecker, sign_in, watch_console
from tests.web.reviews.helpers import five_document_vendor

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL_PHONE = {"width": 375, "height": 812}


@pytest.fixture
def reviewed_vendor(live_server: LiveServer) -> Iterator[int]:
    """A vendor with five documents on the live server's database; return its id."""
    engine = create_db_engine(live_server.database_url, pool_size=1)
    settings = Settings(
        env=Environment.test,
        database_url=live_server.database_url,
        storage_dir=Path(live_server.env["DILIGENCE_STORAGE_DIR"]),
    )
    with Session(engine, expire_on_commit=False) as session:
        vendor, _documents = five_document_vendor(session, settings)
        session.commit()
        assert vendor.id is not None
        yield vendor.id
    engine.dispose()


def summary_fits_two_screens(page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    bottom = page.evaluate(
        "() => document.querySelector('.review-summary').getBoundingClientRect().bottom"
        " + window.scrollY"
    )
    assert bottom <= 2 * DESKTOP["height"], f"the summary ends at {bottom}px"


def no_sideways_scroll_on_a_small_phone(page: Page) -> None:
    page.set_viewport_size(SMALL_PHONE)
    try:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 375px"
    finally:
        page.set_viewport_size(DESKTOP)


def a_document_link_opens_its_details(page: Page) -> None:
    table = page.get_by_role("region", name="Documents at a glance")
    table.get_by_role("link", name="Quillmark SOC 3.pdf").click()
    opened = page.locator("details.document[open]")
    opened.wait_for()
    assert "Quillmark SOC 3.pdf" in opened.inner_text()
    page.reload()


def correct_the_doubtful_fact(page: Page, check: PageChecker) -> None:
    banner = page.get_by_role("note").filter(has_text="Provisional")
    assert "Exceptions of Quillmark SOC 2 Type 2 2025.pdf" in banner.inner_text()
    assert "SOC 3" not in banner.inner_text()  # a SOC 3 has no Type to doubt
    document = page.locator("details.document").filter(has_text="Quillmark SOC 2 Type 2 2025.pdf")
    document.locator("summary").click()
    facts = document.get_by_role("region", name=re.compile("Facts of"))
    assert "Exceptions noted by the auditor (3)" in document.inner_text()
    assert "Certificate expires" not in facts.inner_text()
    check(page, "review-document-open")
    facts.get_by_role("link", name=re.compile("Correct Exceptions")).click()
    page.get_by_role("heading", name=re.compile("Correct exceptions")).wait_for()
    assert page.locator("form").count() == 2  # the correction and the sign-out button
    page.get_by_label("Correct value").fill("three")
    page.get_by_label("Why (required").fill("Page 41 lists three exceptions.")
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text("The number of exceptions is a whole number.").wait_for()
    assert page.get_by_label("Why (required").input_value() == "Page 41 lists three exceptions."
    check(page, "correct-fact-refused")
    page.get_by_label("Correct value").fill("3")
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text("Fact corrected and score recomputed.").wait_for()
    assert page.get_by_role("note").filter(has_text="Provisional").count() == 0
    opened = page.locator("details.document[open]")
    assert "Page 41 lists three exceptions." in opened.inner_text()


def decide_with_conditions(page: Page, check: PageChecker) -> None:
    decision = page.locator("section", has=page.locator("#decision"))
    decision.get_by_label("Approve with conditions").check()
    decision.get_by_label("Reason (required)").fill("Three access exceptions, bridged to date.")
    decision.get_by_role("button", name="Record decision").click()
    page.get_by_text("List the conditions of the approval.").wait_for()
    page.get_by_text("Give a follow-up date for the conditions.").wait_for()
    decision = page.locator("section", has=page.locator("#decision"))
    reason = decision.get_by_label("Reason (required)")
    assert reason.input_value() == "Three access exceptions, bridged to date."
    assert decision.get_by_label("Approve with conditions").is_checked()
    check(page, "review-decision-refused")
    decision.get_by_label("Conditions (for an approval").fill("Evidence of the access fix.")
    follow_up = (date.today() + timedelta(days=90)).isoformat()
    decision.get_by_label("Follow-up date").fill(follow_up)
    decision.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    current = page.locator(".current-decision").inner_text()
    assert "Approved with conditions" in current and "Evidence of the access fix." in current


def test_the_risk_officer_reviews_five_documents_and_decides(
    new_page: Callable[..., Page], reviewed_vendor: int, check: PageChecker
) -> None:
    page = new_page()
    errors = watch_console(page)
    sign_in(page, STAFF["risk_officer"], PASSWORD)
    page.goto(f"/vendors/{reviewed_vendor}/review")
    page.get_by_role("heading", name="Review: Quillmark Analytics").wait_for()
    summary_fits_two_screens(page)
    no_sideways_scroll_on_a_small_phone(page)
    table = page.get_by_role("region", name="Documents at a glance").inner_text()
    for name in ("Quillmark SOC 3.pdf", "ISO 27001 certificate.pdf", "Bridge letter Q1.pdf"):
        assert name in table, table
    check(page, "review-summary")
    a_document_link_opens_its_details(page)
    correct_the_doubtful_fact(page, check)
    decide_with_conditions(page, check)
    summary_fits_two_screens(page)
    # The refused correction and decision answer 422, which the browser logs.
    check.console([e for e in errors if "422" not in e], "risk officer review")
