"""Benchmark: how long `diligence` commands take to start.

Runs each command ``--repeats`` times as a fresh process and reports the fastest wall time and
the CPU time of that run (user + system of the command and the reader children it waited for;
less sensitive to other load on the machine). The ``reports extract`` row reads a small
generated report, so its wall time is start-up plus reading: the "reading only" row times the
same reading (fastest of ``--repeats``) inside one warm process, and that command's start-up,
judged against its target, is its wall time minus the reading. Prints a table; the last line is
one JSON object.

    .venv/bin/python bench/cli_startup.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, print_table
from extract import build_report

from app.reports.extraction import extract_facts_from_pdf

DILIGENCE = str(Path(sys.executable).with_name("diligence"))
TARGETS_S = {"--help": 0.3, "questionnaires lint --text": 0.3, "reports extract": 0.4}


def _run(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([DILIGENCE, *args], cwd=ROOT, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _timed_reading(data: bytes) -> float:
    started = time.perf_counter()
    extract_facts_from_pdf(data)
    return time.perf_counter() - started


def fastest(args: list[str], repeats: int) -> tuple[float, float]:
    """Return (wall, cpu) of the fastest of ``repeats`` runs."""
    return min((_run(args) for _ in range(repeats)), key=lambda run: run[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.pdf"
        report.write_bytes(build_report(20))
        commands = {
            "--help": ["--help"],
            "questionnaires lint --text": [
                "questionnaires",
                "lint",
                "--text",
                "Are you SOC 2 certified?",
            ],
            "reports extract": ["reports", "extract", str(report)],
        }
        data = report.read_bytes()
        extract_facts_from_pdf(data)  # warm
        reading = min(_timed_reading(data) for _ in range(args.repeats))
        rows = []
        results: dict[str, dict[str, float]] = {}
        for name, command in commands.items():
            wall, cpu = fastest(command, args.repeats)
            # Only `reports extract` reads a document; the others are all start-up.
            startup = wall - reading if name == "reports extract" else wall
            target = TARGETS_S[name]
            results[name] = {
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "startup_s": round(startup, 3),
                "target_s": target,
            }
            rows.append([name, wall, cpu, startup, target, "yes" if startup <= target else "no"])
        rows.append(["(reading only, warm process)", reading, "", "", "", ""])
        results["reading_only"] = {"wall_s": round(reading, 3)}
    print(f"Fastest of {args.repeats} runs; load average {os.getloadavg()[0]:.1f}")
    print_table(["command", "wall s", "cpu s", "start-up s", "target s", "met"], rows)
    print(json.dumps({"benchmark": "cli_startup", "cpus": os.cpu_count(), "results": results}))


if __name__ == "__main__":
    main()
