"""What the browser tests share: the live server, mail in the outbox, screenshots and axe-core."""

from __future__ import annotations

import email
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route

ROOT = Path(__file__).resolve().parents[2]
PORTAL_LINK = re.compile(r"https?://[^\s)\"<>]+/portal/dlg_p_[A-Za-z0-9_-]+")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# axe-core rule sets checked: WCAG 2.1 A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    outbox: Path
    env: dict[str, str]

    def mails(self) -> list[Message]:
        """Return the messages in the outbox, oldest first."""
        paths = sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []
        return [email.message_from_bytes(path.read_bytes()) for path in paths]

    def mails_to(self, address: str) -> list[Message]:
        """Return the messages sent to one address, oldest first."""
        return [mail for mail in self.mails() if mail["To"] == address]


def run_cli(env: dict[str, str], *args: str) -> str:
    """Run ``diligence ARGS`` against the live server's settings and return its output."""
    result = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"diligence {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def text_part(mail: Message) -> str:
    """Return the plain-text body of a message."""
    for part in mail.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("the message has no plain-text part")


def portal_link(mail: Message) -> str:
    """Return the portal link a questionnaire invitation carries."""
    match = PORTAL_LINK.search(text_part(mail))
    assert match is not None, text_part(mail)
    return match.group(0)


def sign_in(page: Page, email_address: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page: Page) -> None:
    """Sign out with the header button."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def watch_console(page: Page) -> list[str]:
    """Collect the page's console errors (a CSP refusal or a script error)."""
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        # Chromium asks for /favicon.ico on its own; the app has none and needs none.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", record)
    # Say which element or file broke the CSP, which the browser's own message does not.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber + ':'"
        " + e.columnNumber + ' ' + e.sample))"
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


class A11yCollector:
    """Run axe-core on a snapshot of a page, in a context where the app's CSP is bypassed.

    The app forbids inline scripts, so axe runs on a copy: the page's current HTML is served
    at its own address in a second context with ``bypass_csp``; styles load from the server.
    """

    def __init__(self, browser: Browser, axe_source: str) -> None:
        self.axe_source = axe_source
        self.context: BrowserContext = browser.new_context(bypass_csp=True, viewport=DESKTOP)
        self.copy = self.context.new_page()
        self.copy.route("**/*", self._serve_snapshot)
        self.snapshot = ""
        self.results: dict[str, list[dict[str, Any]]] = {}

    def _serve_snapshot(self, route: Route) -> None:
        if route.request.is_navigation_request():
            route.fulfill(status=200, body=self.snapshot, content_type="text/html; charset=utf-8")
        else:
            route.continue_()

    def audit(self, name: str, page: Page) -> list[dict[str, Any]]:
        """Return the serious and critical violations on the page as it is now."""
        self.snapshot = page.content()
        self.copy.goto(page.url)
        self.copy.add_script_tag(content=self.axe_source)
        found: list[dict[str, Any]] = self.copy.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id,"
            " impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
            ".slice(0, 5)})))",
            AXE_TAGS,
        )
        self.results[name] = found
        return [v for v in found if v["impact"] in BLOCKING_IMPACTS]

    def write_report(self, path: Path) -> None:
        """Write every page's violations (of any impact) as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.results, indent=2, sort_keys=True))


@dataclass
class PageChecker:
    """Screenshot pages at two widths, audit them with axe and collect what is wrong."""

    a11y: A11yCollector
    folder: Path
    problems: list[str] = field(default_factory=list)

    def __call__(self, page: Page, name: str) -> None:
        """Check the page as it is now: screenshots, axe, overflow on a phone, console errors."""
        page.wait_for_load_state()
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.folder / f"{name}-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        try:
            page.screenshot(path=str(self.folder / f"{name}-phone.png"), full_page=True)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                self.problems.append(
                    f"{name}: the page scrolls sideways on a phone by {overflow}px"
                )
        finally:
            page.set_viewport_size(DESKTOP)
        found = self.a11y.audit(name, page)
        for violation in found:
            self.problems.append(
                f"{name}: axe {violation['impact']} {violation['id']} ({violation['help']}) "
                f"at {violation['nodes']}"
            )
        self.a11y.write_report(self.folder / "axe-results.json")

    def console(self, errors: list[str], where: str) -> None:
        """Record console errors seen while using a page."""
        self.problems.extend(f"{where}: console error: {message}" for message in errors)
        errors.clear()

    def assert_clean(self) -> None:
        """Fail with every problem found, not only the first."""
        assert not self.problems, "\n".join(self.problems)
