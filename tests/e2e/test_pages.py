"""Every main page not already on a journey: screenshots at two widths and axe-core checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import A11yCollector, PageChecker, sign_in, watch_console

if TYPE_CHECKING:
    from playwright.sync_api import Page

STAFF_PAGES = {
    "library": ("/questionnaires", "Questionnaires"),
    "library-preview": (
        "/questionnaires/soc-assurance/v1",
        "SOC reports and independent assurance",
    ),
    "library-check-wording": (
        "/questionnaires/check?text=Do+you+have+SOC2%3F",
        "Check question wording",
    ),
    "library-import": ("/questionnaires/import", "Import"),
    "requests-mine": ("/requests", "My requests"),
    "requests-list": ("/requests?who=all", "All requests"),
    "requests-bulk": ("/requests/send-many", "several vendors"),
    "expiring": ("/reviews/expiring", "expir"),
    "audit-log": ("/admin/audit", "Audit log"),
    "vendors-list": ("/vendors", "Vendors"),
    "controls": ("/controls", "Our controls"),
    "admin-people": ("/admin/users", "Administration"),
    "admin-organisation": ("/admin/organisation", "Organisation"),
    "account-password": ("/account/password", "Change your password"),
    "not-found": ("/vendors/999999", "Not found"),
}


def test_the_accessibility_check_reports_a_known_violation(a11y: A11yCollector, new_page) -> None:
    page = new_page()
    page.goto("/login")
    page.evaluate("() => document.querySelector('label[for=email]').remove()")
    found = a11y.audit("self-check", page)
    assert any(v["id"] == "label" for v in found), found
    a11y.results.pop("self-check")


def test_signed_out_pages(new_page: Callable[..., Page], check: PageChecker) -> None:
    page = new_page()
    errors = watch_console(page)
    page.goto("/")
    page.get_by_role("heading", name="Vendor due diligence, done properly").wait_for()
    check(page, "home-signed-out")
    page.get_by_role("link", name="Sign in").click()
    check(page, "login")
    page.get_by_label("E-mail address").fill(STAFF["admin"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    check(page, "login-failed")
    check.console([e for e in errors if "401" not in e], "sign-in")


def test_staff_pages(new_page: Callable[..., Page], check: PageChecker) -> None:
    page = new_page()
    errors = watch_console(page)
    sign_in(page, STAFF["admin"], PASSWORD)
    for name, (path, heading) in STAFF_PAGES.items():
        page.goto(path)
        page.get_by_role("heading", level=1).filter(has_text=heading).first.wait_for()
        check(page, name)
    check.console([e for e in errors if "404" not in e], "staff pages")
