"""Run the PDF text reader in a child process with memory, CPU and wall-clock limits.

PDFium has no decompression limits and aborts the whole process when an allocation
fails, so a one-megabyte compression bomb would take the server down if parsed in
process. Each document is read in a fresh child forked from a forkserver that has
already imported the reader, which keeps the per-document cost to a few milliseconds.
The child runs only code from this package, so the caller's main module is hidden while
a child starts: multiprocessing would otherwise re-run the main script (a web server's
launcher, a CLI, a benchmark) in every child.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from typing import Literal

from app.reports.errors import ReportReadError
from app.reports.pdf_text import PdfText, check_pdf_bytes, merge_parts, read_pdf_text

_MIB = 1024 * 1024
_PRELOAD = ["app.reports.pdf_text"]
_ChildReply = tuple[Literal["ok"], PdfText] | tuple[Literal["error", "memory"], str]


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits for reading one document."""

    memory_bytes: int = 512 * _MIB
    cpu_seconds: int = 15
    wall_seconds: float = 25.0
    max_pages: int = 2000
    max_bytes: int = 50 * _MIB
    workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))


DEFAULT_LIMITS = SandboxLimits()
_context: ForkServerContext | None = None


def _fork_context() -> ForkServerContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _context = context
    return _context


def warm_up() -> None:
    """Start the forkserver now so the first upload does not pay for it."""
    read_pdf_text_sandboxed(_TINY_PDF)


def read_pdf_text_sandboxed(data: bytes, *, limits: SandboxLimits = DEFAULT_LIMITS) -> PdfText:
    """Read a PDF's page texts in resource-limited child processes.

    With `limits.workers` > 1 the pages are shared out between that many children (page
    i goes to child i mod n), which uses the machine's other cores for long reports.
    """
    if len(data) > limits.max_bytes:
        raise ReportReadError(f"file too large: the limit is {limits.max_bytes // _MIB} MB")
    check_pdf_bytes(data)
    workers = max(1, limits.workers)
    children = [_start_child(data, limits, part, workers) for part in range(workers)]
    deadline = time.monotonic() + limits.wall_seconds
    try:
        replies = [_await_reply(receiver, deadline, limits) for receiver, _ in children]
    finally:
        for receiver, process in children:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join(timeout=5)
    parts = [
        _unwrap(reply, process.exitcode, limits)
        for reply, (_, process) in zip(replies, children, strict=True)
    ]
    return merge_parts(parts)


def _start_child(
    data: bytes, limits: SandboxLimits, part: int, parts: int
) -> tuple[Connection, multiprocessing.process.BaseProcess]:
    context = _fork_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main, args=(sender, data, limits, part, parts), daemon=True
    )
    with _main_module_hidden():
        process.start()
    sender.close()
    return receiver, process


_start_lock = threading.Lock()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start children without telling them to re-import the caller's main module."""
    with _start_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _await_reply(
    receiver: Connection, deadline: float, limits: SandboxLimits
) -> _ChildReply | None:
    if not receiver.poll(max(0.0, deadline - time.monotonic())):
        raise ReportReadError(
            f"reading the PDF took longer than the {limits.wall_seconds:g} s time limit"
        )
    try:
        reply: _ChildReply = receiver.recv()
    except (EOFError, OSError):
        return None
    return reply


def _unwrap(reply: _ChildReply | None, exitcode: int | None, limits: SandboxLimits) -> PdfText:
    if reply is None:
        raise ReportReadError(_crash_message(exitcode, limits))
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "memory":
        raise ReportReadError(_memory_message(limits))
    raise ReportReadError(reply[1])


def _memory_message(limits: SandboxLimits) -> str:
    return (
        f"reading the PDF exceeded the {limits.memory_bytes // _MIB} MB memory limit "
        "(possibly a compression bomb)"
    )


def _crash_message(exitcode: int | None, limits: SandboxLimits) -> str:
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"reading the PDF exceeded the {limits.cpu_seconds} s CPU-time limit"
    if exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, 1):
        return _memory_message(limits)
    return f"reading the PDF failed: the reader stopped unexpectedly (exit code {exitcode})"


def _child_main(
    sender: Connection, data: bytes, limits: SandboxLimits, part: int, parts: int
) -> None:
    _apply_limits(limits)
    try:
        text = read_pdf_text(data, max_pages=limits.max_pages, part=part, parts=parts)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reply: _ChildReply = ("ok", dataclasses.replace(text, peak_memory_kb=peak))
    except ReportReadError as error:
        reply = ("error", str(error))
    except MemoryError:
        reply = ("memory", "")
    except Exception as error:
        reply = ("error", f"unreadable PDF: {type(error).__name__}")
    sender.send(reply)
    sender.close()


def _apply_limits(limits: SandboxLimits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    # No core files from an aborted parse, and the child has no reason to write files.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


_TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
