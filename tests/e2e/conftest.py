"""Browser tests: a live server on a free port, Debian's Chromium driven by Playwright.

Every test here is marked ``e2e`` (select with ``-m e2e``) and kept on one xdist worker, which
owns the one server and browser. Without Chromium or Playwright the tests are skipped with the
reason; ``.ci/run`` installs both so they always run in CI. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.support import DESKTOP, A11yCollector, LiveServer, PageChecker, run_cli

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("DILIGENCE_E2E_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE_CACHE = ROOT / "var" / "e2e-cache"
AXE_VERSION = "4.14.1"
# Flags that keep Chromium off the network: this machine refuses outside connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-password-1"
STAFF = {
    "procurement": "paula@buyer.example",
    "risk_officer": "rico@buyer.example",
    "admin": "ada@buyer.example",
}
MAX_UPLOAD_MB = 1
# The tests click faster than people: the portal's per-address limit (20 requests a minute,
# autosaves included) would refuse them.
RATE_LIMITS = {"login": "200/minute", "login_account": "200/hour", "portal": "600/minute"}
E2E_DIR = Path(__file__).resolve().parent


def _missing_requirement() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every browser test ``e2e``, keep them on one worker, skip them without Chromium."""
    browser_tests = [item for item in items if E2E_DIR in Path(str(item.fspath)).parents]
    missing = _missing_requirement() if browser_tests else None
    if missing and os.environ.get("DILIGENCE_TEST_REQUIRE_E2E"):
        raise pytest.UsageError(f"browser tests are required in this run: {missing}")
    has_xdist = config.pluginmanager.hasplugin("xdist")
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
        if has_xdist:
            item.add_marker(pytest.mark.xdist_group("e2e"))
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {missing}"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives the app in Chromium against a live server")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep a screenshot of every open page when a browser test fails."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if browser is None:
        return
    failed = SCREENSHOTS / "failures"
    failed.mkdir(parents=True, exist_ok=True)
    for c, context in enumerate(browser.contexts):
        for p, page in enumerate(context.pages):
            try:
                page.screenshot(path=str(failed / f"{item.name}-{c}-{p}.png"), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                sys.stderr.write(f"no failure screenshot for {item.name}: {exc}\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start uvicorn on a fresh, migrated SQLite database with three staff accounts."""
    home = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    # Questionnaires written in the browser go to a copy of the library, never the repository's.
    shutil.copytree(ROOT / "questionnaires", home / "questionnaires")
    server = LiveServer(
        url=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{home / 'diligence.db'}",
        outbox=home / "outbox",
        env={
            **os.environ,
            "DILIGENCE_ENV": "test",
            "DILIGENCE_DATABASE_URL": f"sqlite:///{home / 'diligence.db'}",
            "DILIGENCE_BASE_URL": f"http://127.0.0.1:{port}",
            "DILIGENCE_MAIL_BACKEND": "outbox",
            "DILIGENCE_OUTBOX_DIR": str(home / "outbox"),
            "DILIGENCE_STORAGE_DIR": str(home / "storage"),
            "DILIGENCE_QUESTIONNAIRE_DIR": str(home / "questionnaires"),
            "DILIGENCE_SECRET_KEY": "e2e-" + "k" * 40,
            "DILIGENCE_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
            "DILIGENCE_ORGANISATION_NAME": "Buyer Ltd",
            "DILIGENCE_RATE_LIMITS": json.dumps(RATE_LIMITS),
            "DILIGENCE_LOG_LEVEL": "WARNING",
        },
    )
    log = (home / "server.log").open("wb")
    # The server imports the app while the migration runs: it serves nothing before both end.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        run_cli(server.env, "db", "upgrade")
        _create_staff(server.database_url)
        _wait_until_up(server.url, process, home / "server.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _create_staff(database_url: str) -> None:
    from sqlmodel import Session

    from app.auth import service as auth_service
    from app.auth.models import Role
    from app.core.db import create_db_engine

    engine = create_db_engine(database_url, pool_size=1)
    try:
        with Session(engine) as session:
            for role, address in STAFF.items():
                auth_service.create_user(
                    session, email=address, role=Role(role), password=PASSWORD, actor="e2e"
                )
            session.commit()
    finally:
        engine.dispose()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer within 30 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium once for the whole run."""
    shutil.rmtree(SCREENSHOTS / "failures", ignore_errors=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """Return axe-core's script, from var/e2e-cache or fetched once with ``npm pack``."""
    script = AXE_CACHE / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is missing and npm is not installed to fetch it")
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "pack",
                f"axe-core@{AXE_VERSION}",
                "--silent",
                "--pack-destination",
                str(AXE_CACHE),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with tarfile.open(AXE_CACHE / f"axe-core-{AXE_VERSION}.tgz") as archive:
            member = archive.getmember("package/axe.min.js")
            data = archive.extractfile(member)
            assert data is not None
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_bytes(data.read())
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def a11y(browser: Browser, axe_source: str) -> A11yCollector:
    """Collect axe-core results of every page the tests check, in a CSP-bypassing context."""
    return A11yCollector(browser, axe_source)


@pytest.fixture
def check(a11y: A11yCollector) -> Iterator[PageChecker]:
    """Screenshot a page at desktop and phone widths and run axe-core on it."""
    checker = PageChecker(a11y, SCREENSHOTS)
    yield checker
    checker.assert_clean()


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Return a factory of pages, each in its own browser context (its own cookies)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, accept_downloads=True, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
