"""Benchmark: CPU time and SQL statements per portal answer save, in one process.

The wall-clock figures of ``portal_load.py`` swing with whatever else runs on the machine. This
script measures what one save costs the server instead: the application is built as production
builds it (``DILIGENCE_ENV=production``, fresh keys, SQLite), vendors open their links, and then
``--concurrency`` tasks save answers by calling the ASGI application directly (no sockets, no
HTTP client), through every middleware, the router, the single writer and its group commits.
CPU time is the process's (every thread), divided by the saves; the SQL statements are counted
on the engine; ``--show-sql`` prints the statements of one save. Where the CPU goes:

    .venv/bin/python bench/portal_save_cpu.py [--saves 3000] [--concurrency 16] [--show-sql]
    .venv/bin/py-spy record --gil -r 250 -f raw -o save.txt -- \
        .venv/bin/python bench/portal_save_cpu.py
    .venv/bin/python bench/spy_breakdown.py save.txt
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from common import production_environment
from portal_load import BENCH_RATE_LIMITS, QUESTIONS, SLUG, VendorState, _next_value, seed
from sqlalchemy import event, insert

from app.core.config import get_settings
from app.core.db import create_db_engine
from app.main import create_app
from app.questionnaires.library import get_definition
from app.requests.models import Answer

Headers = list[tuple[bytes, bytes]]
VERSION = re.compile(rb'name="v__([a-z_]+)" value="(\d+)"')
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


async def call(
    app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, Headers, bytes]:
    """Send one HTTP request to the ASGI application; return status, headers and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, response_headers, chunks = 0, [], []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, response_headers
        if message["type"] == "http.response.start":
            status, response_headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, response_headers, b"".join(chunks)


def _cookies(headers: Headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == b"set-cookie":
            pair = value.decode().split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key] = val
    return found


async def open_link(app: Any, state: VendorState) -> None:
    """Landing page, then Continue: the vendor's cookies and CSRF token."""
    status, headers, page = await call(app, "GET", f"/portal/{state.token}", {})
    assert status == 200, page[:300]
    cookies = _cookies(headers)
    match = CSRF.search(page)
    assert match is not None
    state.csrf = match.group(1).decode()
    form = urlencode({"token": state.token, "csrf_token": state.csrf}).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    content = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = await call(app, "POST", "/portal/exchange", content, form)
    assert status == 303, status
    cookies |= _cookies(headers)
    state.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())


async def save_one(app: Any, state: VendorState, question_id: str, counts: dict[str, int]) -> None:
    """Save the next value of one question at the version last seen."""
    raw, _ = _next_value(state, question_id)
    form = {f"q__{question_id}": raw, f"v__{question_id}": str(state.versions[question_id])}
    headers = {
        "HX-Request": "true",
        "X-CSRF-Token": state.csrf,
        "Cookie": state.cookie,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    path = f"/portal/answers/{question_id}"
    status, _, body = await call(app, "POST", path, headers, urlencode(form).encode())
    counts[str(status)] = counts.get(str(status), 0) + 1
    if status == 200:
        for name, version in VERSION.findall(body):
            state.versions[name.decode()] = int(version)
    elif status != 409:
        raise RuntimeError(f"save answered {status}: {body[:300]!r}")


async def drive(
    app: Any, states: list[VendorState], saves: int, concurrency: int
) -> dict[str, int]:
    """Keep ``concurrency`` saves in flight until ``saves`` are done; return the statuses."""
    counts: dict[str, int] = {}
    per_worker = saves // concurrency

    async def worker(owned: list[VendorState]) -> None:
        for step in range(per_worker):
            state = owned[step % len(owned)]
            question_id = QUESTIONS[(step // len(owned)) % len(QUESTIONS)]
            await save_one(app, state, question_id, counts)

    await asyncio.gather(*(worker(states[n::concurrency]) for n in range(concurrency)))
    return counts


def _answer_others(url: str, states: list[VendorState], count: int) -> None:
    """Store answers to ``count`` other questions of every request, as a vendor well into a
    long questionnaire has: each save then reads that many answers back."""
    definition = get_definition(SLUG).definition
    others = [q.id for q in definition.questions() if q.id not in QUESTIONS][:count]
    engine = create_db_engine(url, pool_size=1)
    with engine.begin() as connection:
        connection.execute(
            insert(Answer.__table__),  # type: ignore[attr-defined]
            [
                {"request_id": state.request_id, "question_id": question_id, "value": "yes"}
                for state in states
                for question_id in others
            ],
        )
    engine.dispose()


def build_app(workdir: Path, url: str) -> Any:
    """Create the application with a production server's environment."""
    env = production_environment(url, workdir, DILIGENCE_RATE_LIMITS=BENCH_RATE_LIMITS)
    os.environ.clear()
    os.environ.update(env)
    get_settings.cache_clear()
    return create_app()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, open the links, warm up, then measure the saves."""
    with tempfile.TemporaryDirectory(prefix="bench-portal-cpu-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'portal.db'}"
        states = seed(url, args.vendors)
        if args.answered:
            _answer_others(url, states, args.answered)
        app = build_app(workdir, url)
        statements = [0]
        shown: list[str] = []

        @event.listens_for(app.state.engine, "before_cursor_execute")
        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements[0] += 1
            if args.show_sql:
                shown.append(" ".join(statement.split())[:160])

        for state in states:
            await open_link(app, state)
        await drive(app, states, args.concurrency * 20, args.concurrency)
        if args.show_sql:
            shown.clear()
            await save_one(app, states[0], QUESTIONS[0], {})
            print("SQL of one save, alone:\n  " + "\n  ".join(shown), file=sys.stderr)
            args.show_sql = False
        statements[0] = 0
        cpu, wall = time.process_time(), time.perf_counter()
        counts = await drive(app, states, args.saves, args.concurrency)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        done = sum(counts.values())
        app.state.engine.dispose()
        return {
            "saves": done,
            "statuses": counts,
            "cpu_ms_per_save": round(cpu * 1000 / done, 3),
            "statements_per_save": round(statements[0] / done, 2),
            "wall_s": round(wall, 2),
        }


def main() -> None:
    """Print CPU time and statements per save; the last line is one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vendors", type=int, default=64)
    parser.add_argument("--saves", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one save")
    parser.add_argument(
        "--answered", type=int, default=0, help="answers to other questions stored beforehand"
    )
    args = parser.parse_args()
    result = run_and_report(args)
    print(json.dumps({"benchmark": "portal_save_cpu", "cpu_count": os.cpu_count(), **result}))


def run_and_report(args: argparse.Namespace) -> dict[str, Any]:
    """Run once and print the figures."""
    result = asyncio.run(run(args))
    print(
        f"portal save, in process, SQLite, c={args.concurrency}: "
        f"{result['cpu_ms_per_save']} ms CPU and {result['statements_per_save']} SQL statements "
        f"per save over {result['saves']} saves ({result['statuses']})",
        file=sys.stderr,
    )
    return result


if __name__ == "__main__":
    main()
