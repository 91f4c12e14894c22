"""Benchmark: the server's resident memory (RSS) over a mixed load, to see whether it plateaus.

Starts `diligence serve` as production does (SQLite, fresh keys, a free loopback port) and
drives it from a few threads for a fixed time: staff page views, API reads and portal answer
saves, all on this machine. The server's RSS is sampled from /proc every few seconds. Prints
a table; the last line is one JSON object with the first, last and largest RSS and the growth
over the second half of the run (near 0 when memory has levelled off).

    .venv/bin/python bench/memory_load.py [--seconds 300] [--threads 6]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import ROOT, free_port, print_table, production_environment
from portal_load import seed

from app.auth import service as auth_service
from app.auth import tokens as tokens_service
from app.auth.models import Role
from app.core.db import create_db_engine, session_scope

PASSWORD = "memory-bench-password-1A!"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def rss_mb(pid: int) -> float:
    """Return a process's resident set size in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def _staff_and_token(url: str) -> str:
    engine = create_db_engine(url, pool_size=1)
    with session_scope(engine) as session:
        user = auth_service.create_user(
            session, email="reader@example.com", role=Role.risk_officer, password=PASSWORD
        )
        _row, token = tokens_service.create_token(
            session, user=user, name="bench", scopes=None, expires_at=None, actor="bench"
        )
    engine.dispose()
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--sample-every", type=float, default=10.0)
    args = parser.parse_args()
    # Invitations are sent only in the name of a named organisation.
    os.environ.setdefault("DILIGENCE_ORGANISATION_NAME", "Bench Buyer Ltd")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'bench.db'}"
        states = seed(url, vendors=args.threads)
        token = _staff_and_token(url)
        env = production_environment(url, workdir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(Path(sys.executable).parent / "diligence"), "serve", "--port", str(port)]
        log = (workdir / "server.log").open("wb")
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            _wait(base)
            figures = _drive(base, server.pid, states, token, args)
        finally:
            server.terminate()
            server.wait(timeout=15)
            log.close()
            # Kept for a look at any refusal (the database and files go with the folder).
            shutil.copy(workdir / "server.log", Path(tempfile.gettempdir()) / "memory_load.log")
    samples = figures["samples"]
    print_table(["seconds", "RSS MB"], [(f"{t:.0f}", f"{mb:.1f}") for t, mb in samples])
    half = [mb for t, mb in samples if t >= args.seconds / 2]
    summary = {
        "seconds": args.seconds,
        "threads": args.threads,
        "requests": figures["requests"],
        "errors": figures["errors"],
        "refusals": figures["refusals"],
        "rss_first_mb": round(samples[0][1], 1),
        "rss_last_mb": round(samples[-1][1], 1),
        "rss_max_mb": round(max(mb for _t, mb in samples), 1),
        "growth_second_half_mb": round(half[-1] - half[0], 1) if len(half) > 1 else 0.0,
    }
    print(json.dumps(summary))


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not become ready")


def _drive(base: str, pid: int, states: list, token: str, args: argparse.Namespace) -> dict:
    deadline = time.monotonic() + args.seconds
    counts = {"requests": 0, "errors": 0}
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def count(status: int, what: str = "") -> None:
        with lock:
            counts["requests"] += 1
            counts["errors"] += status >= 500
            if status >= 400:
                key = f"{what} {status}"
                statuses[key] = statuses.get(key, 0) + 1

    def staff() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            data = {"email": "reader@example.com", "password": PASSWORD}
            client.post("/login", data={**data, "csrf_token": _csrf(client, "/login")})
            while time.monotonic() < deadline:
                for path in ("/", "/vendors"):
                    count(client.get(path).status_code, path)
                api = client.get("/api/v1/vendors", headers={"Authorization": f"Bearer {token}"})
                count(api.status_code, "api")

    def vendor(state) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            exchange = {"token": state.token}
            exchange["csrf_token"] = _csrf(client, f"/portal/{state.token}")
            client.post("/portal/exchange", data=exchange)
            csrf = _csrf(client, "/portal")
            version = 0
            while time.monotonic() < deadline:
                fields = {"q__privacy_contact": f"dpo{version}@vendor.example"}
                fields |= {"v__privacy_contact": str(version), "csrf_token": csrf}
                response = client.post(
                    "/portal/answers/privacy_contact", data=fields, headers={"HX-Request": "true"}
                )
                count(response.status_code, "portal save")
                version += response.status_code == 200

    workers = [threading.Thread(target=staff) for _ in range(max(1, args.threads // 2))]
    workers += [threading.Thread(target=vendor, args=(s,)) for s in states[: args.threads // 2]]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    samples = [(0.0, rss_mb(pid))]
    while time.monotonic() < deadline:
        time.sleep(min(args.sample_every, max(0.0, deadline - time.monotonic())))
        samples.append((time.monotonic() - started, rss_mb(pid)))
    for worker in workers:
        worker.join()
    return {"samples": samples, "refusals": statuses, **counts}


if __name__ == "__main__":
    main()
