"""Benchmark: how long `diligence` commands take to start.

Runs each command ``--repeats`` times as a fresh process and reports the fastest wall time and
the CPU time of that run (user + system; less sensitive to other load on the machine). The
``reports extract`` row reads a small generated report, so its figure is start-up plus reading;
the "reading only" row times the same reading inside one warm process for comparison.
Prints a table; the last line is one JSON object.

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
        rows = []
        results = {}
        for name, command in commands.items():
            wall, cpu = fastest(command, args.repeats)
            target = TARGETS_S[name]
            results[name] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "target_s": target}
            rows.append([name, wall, cpu, target, "yes" if wall <= target else "no"])
        data = report.read_bytes()
        extract_facts_from_pdf(data)  # warm
        started = time.perf_counter()
        extract_facts_from_pdf(data)
        reading = time.perf_counter() - started
        rows.append(["(reading only, warm process)", reading, 0.0, "", ""])
        results["reading_only"] = {"wall_s": round(reading, 3)}
    print(f"Fastest of {args.repeats} runs; load average {os.getloadavg()[0]:.1f}")
    print_table(["command", "wall s", "cpu s", "target s", "met"], rows)
    print(json.dumps({"benchmark": "cli_startup", "cpus": os.cpu_count(), "results": results}))


if __name__ == "__main__":
    main()
