"""Read a PDF with directly forked reader children in a fresh, single-threaded interpreter.

Run as ``python -m tests.unit.reports.direct_probe WHAT FILE [MEMORY_MB WALL_S]``; prints one
JSON object. A test process may have threads of its own (pytest-xdist's), which would send
the children back to the forkserver, so the direct path is tried in a process of its own.
"""

from __future__ import annotations

import json
import multiprocessing.forkserver
import os
import resource
import sys
import threading
from pathlib import Path

from app.reports import sandbox
from app.reports.errors import ReportReadError
from app.reports.extraction import extract_facts_from_pdf
from app.reports.pdf_text import OcrBudget, PdfText


def _no_forkserver() -> None:
    raise AssertionError("the forkserver was started")


def _limits_seen_by_the_child(data: bytes, *, ocr: OcrBudget, **_: object) -> PdfText:
    """Stands in for the reader in the child (fork copies this patch): report, don't read."""
    seen = {
        "pid": os.getpid(),
        "parent": os.getppid(),
        "memory": resource.getrlimit(resource.RLIMIT_AS),
        "cpu": resource.getrlimit(resource.RLIMIT_CPU),
        "file_size": resource.getrlimit(resource.RLIMIT_FSIZE),
        "ocr_pages": ocr.pages,
    }
    raise ReportReadError(json.dumps(seen), "unreadable")


def main() -> None:
    what, path, *limit_args = sys.argv[1:]
    data = Path(path).read_bytes()
    limits = sandbox.SandboxLimits(workers=2)
    if limit_args:
        memory_mb, wall_seconds = limit_args
        limits = sandbox.SandboxLimits(
            memory_bytes=int(memory_mb) * 1024 * 1024, wall_seconds=float(wall_seconds), workers=2
        )
    sandbox._fork_context = _no_forkserver
    if what == "limits":
        sandbox.read_pdf_text = _limits_seen_by_the_child
    output: dict[str, object] = {"probe": os.getpid()}
    with sandbox.direct_children():
        try:
            if what == "limits":
                output["children"] = [_child_report(data, limits) for _ in range(2)]
            else:
                output["facts"] = json.loads(extract_facts_from_pdf(data, limits=limits).to_json())
                output["pages"] = list(sandbox.read_pdf_text_sandboxed(data, limits=limits).pages)
        except ReportReadError as error:
            output["error"] = {"kind": error.kind, "message": str(error)}
    output["threads"] = threading.active_count()
    output["forkserver"] = multiprocessing.forkserver._forkserver._forkserver_pid
    sys.stdout.write(json.dumps(output) + "\n")


def _child_report(data: bytes, limits: sandbox.SandboxLimits) -> object:
    """What the first child of one document saw (the parent stops at the first error)."""
    try:
        sandbox.read_pdf_text_sandboxed(data, limits=limits)
    except ReportReadError as error:
        return json.loads(str(error))
    raise AssertionError("the stand-in reader should have reported")


if __name__ == "__main__":
    main()
