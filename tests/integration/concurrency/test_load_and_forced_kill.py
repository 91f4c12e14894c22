"""A real server process under mixed load, then killed with SIGKILL while uploads are in flight.

Page views, API reads, answer saves and uploads run at once against `diligence serve` (its own
process, production settings): no answer may be a 503 and every upload must be stored. Then
uploads run again and the whole process group is killed mid-flight, as the kernel's OOM killer
or `kill -9` would. After a restart every acknowledged upload is still there and readable;
objects that no row refers to (an upload killed between storing its object and committing its
row) are removed by `diligence storage sweep --apply`, as an operator runs it once the hour
in which uploads may still be in flight has passed. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader, PdfWriter
from sqlmodel import Session, select
from typer.testing import CliRunner, Result

from app.cli import build_app
from app.core import migrate
from app.core.config import Environment, Settings, get_settings
from app.core.db import create_db_engine, dispose_engines
from app.reports.models import Document
from tests.api.helpers import token_for
from tests.conftest import fresh_database_url
from tests.factories import TEST_PASSWORD, make_user, make_vendor
from tests.portal_helpers import send_request

pytestmark = [pytest.mark.slow, pytest.mark.db]
cli_app = build_app()

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
DILIGENCE = Path(sys.executable).with_name("diligence")
STORAGE_KEY = bytes(range(32)).hex()
# The mixed load: so many rounds per lane, all lanes at once (about 100 requests).
PAGE_ROUNDS, API_ROUNDS, SAVES_PER_VENDOR, UPLOADS_PER_LANE = 6, 15, 10, 3
UPLOADS_BEFORE_KILL = 4.0  # seconds of uploads before the kill
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')
_BASES = ("a11.pdf", "a12.pdf", "a13.pdf", "a15.pdf")  # small, readable reports


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _csrf(client: httpx.Client, path: str) -> str:
    match = _CSRF.search(client.get(path).text)
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


class UniqueReports:
    """Readable PDFs, each with different bytes (a numbered title), so none is a duplicate."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._bases = [(CORPUS / name).read_bytes() for name in _BASES]

    def next(self) -> tuple[str, bytes]:
        with self._lock:
            self._count += 1
            number = self._count
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(self._bases[number % len(_BASES)])))
        writer.add_metadata({"/Title": f"Load report {number}"})
        out = io.BytesIO()
        writer.write(out)
        return f"load-{number:04d}.pdf", out.getvalue()


@dataclass
class Server:
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    url: str = ""

    def start(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(DILIGENCE), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the kill takes the readers too
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not become ready: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    uploads: Counter[int] = field(default_factory=Counter)
    acknowledged: set[str] = field(default_factory=set)
    interrupted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1

    def upload(self, name: str, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.uploads[status] += 1
            if status == 303:
                self.acknowledged.add(name)


@dataclass
class Scene:
    staff_email: str
    api_headers: dict[str, str]
    vendor_ids: list[int]
    portal_tokens: list[str]


def _prepare(url: str, settings: Settings) -> Scene:
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine, expire_on_commit=False) as session:
            officer = make_user(session)
            api_user = make_user(session)
            headers = {"Authorization": f"Bearer {token_for(session, api_user)}"}
            vendors = [make_vendor(session) for _ in range(3)]
            tokens = [send_request(session, settings)[1] for _ in range(3)]
            session.commit()
            return Scene(officer.email, headers, [v.id for v in vendors if v.id], tokens)
    finally:
        engine.dispose()


def _sign_in(server: Server, email: str) -> httpx.Client:
    browser = server.client()
    data = {"email": email, "password": TEST_PASSWORD, "csrf_token": _csrf(browser, "/login")}
    assert browser.post("/login", data=data).status_code == 303
    return browser


def _open_portal(server: Server, token: str) -> httpx.Client:
    browser = server.client()
    data = {"token": token, "csrf_token": _csrf(browser, f"/portal/{token}")}
    assert browser.post("/portal/exchange", data=data).status_code == 303
    return browser


def _uploader(
    server: Server, scene: Scene, reports: UniqueReports, tally: Tally, until: Callable[[], bool]
) -> Callable[[int, int], None]:
    browser = _sign_in(server, scene.staff_email)
    token = _csrf(browser, f"/vendors/{scene.vendor_ids[0]}")

    def upload(lane: int, most: int) -> None:
        vendor_id = scene.vendor_ids[lane % len(scene.vendor_ids)]
        for _ in range(most):
            if until():
                return
            name, content = reports.next()
            try:
                response = browser.post(
                    f"/vendors/{vendor_id}/documents",
                    data={"csrf_token": token},
                    files={"file": (name, content, "application/pdf")},
                )
            except httpx.TransportError:  # the server was killed under this upload
                with tally.lock:
                    tally.interrupted += 1
                return
            tally.upload(name, response.status_code)

    return upload


def _mixed_load(server: Server, scene: Scene, reports: UniqueReports, tally: Tally) -> None:
    pages = _sign_in(server, scene.staff_email)
    api = server.client()
    portals = [_open_portal(server, token) for token in scene.portal_tokens]
    upload = _uploader(server, scene, reports, tally, lambda: False)

    def view_pages() -> None:
        paths = ["/", "/vendors", *(f"/vendors/{v}" for v in scene.vendor_ids)]
        for _ in range(PAGE_ROUNDS):
            for path in paths:
                tally.count(pages.get(path).status_code)

    def read_api() -> None:
        for _ in range(API_ROUNDS):
            tally.count(api.get("/api/v1/vendors", headers=scene.api_headers).status_code)
            tally.count(api.get("/api/v1/requests", headers=scene.api_headers).status_code)

    def save_answers(browser: httpx.Client) -> None:
        token = _csrf(browser, "/portal")
        version = 0
        for _ in range(SAVES_PER_VENDOR):
            value = "yes" if version % 2 else "no"
            response = browser.post(
                "/portal/answers/holds_soc2_type2",
                data={
                    "q__holds_soc2_type2": value,
                    "v__holds_soc2_type2": str(version),
                    "csrf_token": token,
                },
                headers={"HX-Request": "true"},
            )
            tally.count(response.status_code)
            version += 1 if response.status_code == 200 else 0

    workers = [threading.Thread(target=view_pages), threading.Thread(target=read_api)]
    workers += [threading.Thread(target=save_answers, args=(p,)) for p in portals]
    workers += [threading.Thread(target=upload, args=(lane, UPLOADS_PER_LANE)) for lane in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)


def _uploads_then_kill(server: Server, scene: Scene, reports: UniqueReports, tally: Tally) -> None:
    killed = threading.Event()
    upload = _uploader(server, scene, reports, tally, killed.is_set)
    lanes = [threading.Thread(target=upload, args=(lane, 1000)) for lane in range(4)]
    for lane in lanes:
        lane.start()
    time.sleep(UPLOADS_BEFORE_KILL)
    server.kill()
    killed.set()
    for lane in lanes:
        lane.join(timeout=60)


def _stored(storage: Path) -> set[str]:
    return {p.name for p in storage.glob("[0-9a-f][0-9a-f]/*") if len(p.name) == 64}


def _staging(storage: Path) -> set[str]:
    return {p.name for p in (storage / "tmp").glob("*")}


def _documents(url: str) -> list[Document]:
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            return list(session.exec(select(Document)).all())
    finally:
        engine.dispose()


def _cli(env: dict[str, str], *args: str) -> Result:
    # The real command, run in this process: another interpreter start would only add seconds.
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli_app, list(args), env=env)
    finally:
        get_settings.cache_clear()
        dispose_engines()


@pytest.fixture
def deployment(backend: str, tmp_path: Path) -> Iterator[tuple[Server, str, Path]]:
    url = fresh_database_url(backend, "killload", tmp_path)
    migrate.upgrade(url)
    storage = tmp_path / "storage"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DILIGENCE_")},
        "DILIGENCE_ENV": "production",
        "DILIGENCE_DATABASE_URL": url,
        "DILIGENCE_SECRET_KEY": "load-test-secret-" + "x" * 40,
        "DILIGENCE_STORAGE_KEY": STORAGE_KEY,
        "DILIGENCE_STORAGE_DIR": str(storage),
        "DILIGENCE_OUTBOX_DIR": str(tmp_path / "outbox"),
        "DILIGENCE_ORGANISATION_NAME": "Buyer Ltd",
        "DILIGENCE_JOB_QUEUE": "inprocess",
        "DILIGENCE_RATE_LIMITS": '{"upload": "100000/hour", "portal": "100000/minute"}',
    }
    server = Server(env, tmp_path / "server.log")
    try:
        yield server, url, storage
    finally:
        server.stop()


def test_mixed_load_gets_no_503_and_a_killed_server_leaves_nothing_unswept(deployment, backend):
    server, url, storage = deployment
    started = time.monotonic()
    settings = Settings(env=Environment.test, database_url=url, organisation_name="Buyer Ltd")
    scene = _prepare(url, settings)
    reports = UniqueReports()
    server.start()

    load = Tally()
    load_started = time.monotonic()
    _mixed_load(server, scene, reports, load)
    load_seconds = time.monotonic() - load_started
    requests = sum(load.statuses.values())
    assert load.statuses[503] == 0 and not [s for s in load.statuses if s >= 500], load.statuses
    assert set(load.statuses) <= {200, 303}, load.statuses
    assert load.uploads == {303: 2 * UPLOADS_PER_LANE}, load.uploads

    crash = Tally()
    _uploads_then_kill(server, scene, reports, crash)
    assert crash.statuses[503] == 0 and set(crash.uploads) <= {303}, crash.uploads
    server.start()  # the restart
    assert _sign_in(server, scene.staff_email).get("/vendors").status_code == 200

    documents = _documents(url)
    kept = {d.filename for d in documents}
    acknowledged = load.acknowledged | crash.acknowledged
    assert acknowledged <= kept, sorted(acknowledged - kept)  # nothing acknowledged is lost
    referenced = {d.storage_key for d in documents}
    assert referenced <= _stored(storage)
    orphans = _stored(storage) - referenced
    unfinished = _staging(storage)

    # An hour later (the sweep leaves younger objects alone: their upload may be in flight).
    hour_ago = time.time() - 3700
    for path in storage.rglob("*"):
        os.utime(path, (hour_ago, hour_ago))
    swept = _cli(server.env, "storage", "sweep", "--apply")
    assert swept.exit_code == 0, swept.output
    assert f"{len(orphans)} unreferenced object(s) removed" in swept.output, swept.output
    assert _stored(storage) == referenced and _staging(storage) == set()
    verified = _cli(server.env, "storage", "verify")
    assert verified.exit_code == 0, verified.output
    assert "0 integrity failure(s)" in verified.output, verified.output
    elapsed = time.monotonic() - started
    print(  # noqa: T201 - the figures the run is about
        f"\n[{backend}] mixed load: {requests} requests in {load_seconds:.1f}s "
        f"({dict(load.statuses)}), uploads {load.uploads[303]} stored, 503s {load.statuses[503]}; "
        f"kill: {crash.uploads[303]} acknowledged, {crash.interrupted} cut off; "
        f"orphans after restart {len(orphans)} objects + {len(unfinished)} staged parts, "
        f"after sweep 0; {len(documents)} documents intact; {elapsed:.0f}s in all"
    )
    assert elapsed < 300  # a bound against a hang, not a benchmark
