"""A procurement user writes, checks and releases a questionnaire entirely in the browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import sign_in, watch_console

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_questionnaire_is_created_edited_and_released_in_the_browser(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    errors = watch_console(page)
    sign_in(page, STAFF["procurement"], PASSWORD)
    page.goto("/questionnaires")
    page.get_by_role("link", name="New questionnaire").click()
    page.get_by_label("Title").fill("Browser-written checks")
    page.get_by_label("Short name (slug)").fill("browser-written")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/questionnaires/browser-written/v1/edit")

    text = page.get_by_label("Question text")
    text.fill("Are you SOC 2 certified?")
    # the wording check answers while typing, before anything is saved
    page.locator("#lint-0-0").get_by_text("soc-certification").wait_for()
    page.get_by_label("Section title").fill("Assurance")
    page.get_by_role("button", name="Add a question to “General”").click()
    page.wait_for_url("**/v1/edit?saved=1*")
    page.get_by_label("Question text").nth(1).fill("Where is our data stored?")
    page.get_by_label("Answer type").nth(1).select_option("single_choice")
    page.get_by_label("Choices (one a line, for choice questions)").nth(1).fill(
        "European Union\nUnited States"
    )
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Move “Where is our data stored?” up").click()
    page.wait_for_url("**/v1/edit?saved=1*")
    assert page.get_by_label("Question text").first.input_value() == "Where is our data stored?"

    page.get_by_role("link", name="Release this draft…").click()
    page.get_by_role("button", name="Release v1").click()
    page.get_by_text("Not released: give a reason for each wording error").wait_for()
    page.get_by_label("Reason to release with this error").fill(
        "The customer's contract uses this wording; kept as agreed."
    )
    page.get_by_role("button", name="Release v1").click()
    page.get_by_text("Released: version 1 can now be sent to vendors.").wait_for()
    # the refused release answers 422 on purpose; Chromium logs that status as an error
    assert [message for message in errors if "status of 422" not in message] == []
