"""Run the PDF text reader in a child process with memory, CPU and wall-clock limits.

PDFium has no decompression limits and aborts the whole process when an allocation
fails, so a one-megabyte compression bomb would take the server down if parsed in
process. Every document is read by fresh children that have never seen another upload
and exit after one reply. Starting a child costs tens of milliseconds on a busy machine,
so the children for the next document are started ahead of time: each is forked from a
forkserver that has already imported the reader and warmed PDFium's font caches (see
reader_warmup.py), applies its limits at once and then waits for a document. The child
runs only code from this package, so the caller's main module is hidden while a child
starts: multiprocessing would otherwise re-run the main script (a web server's launcher,
a CLI, a benchmark) in every child.

A one-shot command that reads one document (or a few, one after another) and exits would
spend more time starting the forkserver than reading; it reads inside `direct_children()`,
and its children are forked straight from its own process instead, with the same limits
and protocol (see `_reader_context`).
"""

from __future__ import annotations

import atexit
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
from multiprocessing.context import ForkContext, ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Literal

from app.reports.errors import ReadFailure, ReportReadError
from app.reports.pdf_text import OcrBudget, PdfText, check_pdf_bytes, merge_parts, read_pdf_text

_MIB = 1024 * 1024
# Tesseract too, which the reader imports only when it meets a scanned page.
_PRELOAD = ["app.reports.reader_warmup", "tesserocr"]
_READY = b"ready"
# Page texts travel as one UTF-8 block; the reader drops NUL from page text.
_PAGE_SEPARATOR = "\x00"
_READY_TIMEOUT_SECONDS = 30.0
# Text extraction must still finish after OCR inside the same CPU and time limits.
_OCR_SHARE = 0.5
_ChildReply = tuple[Literal["ok"], PdfText] | tuple[Literal["error", "memory"], str, ReadFailure]


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits for reading one document."""

    memory_bytes: int = 512 * _MIB
    cpu_seconds: int = 20
    wall_seconds: float = 40.0
    max_pages: int = 2000
    max_bytes: int = 50 * _MIB
    workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    # Scanned pages read with OCR per document; 0 turns OCR off.
    ocr_max_pages: int = 10

    def ocr_budget(self, part: int, parts: int) -> OcrBudget:
        """One child's share of the OCR pages, and at most half its processor and wall time."""
        pages = self.ocr_max_pages // parts + (1 if part < self.ocr_max_pages % parts else 0)
        return OcrBudget(
            pages=pages,
            cpu_seconds=self.cpu_seconds * _OCR_SHARE,
            wall_seconds=self.wall_seconds * _OCR_SHARE,
        )


DEFAULT_LIMITS = SandboxLimits()
# The limits a child applies to itself when it starts; the others travel with the document.
_ChildLimits = tuple[int, int]


@dataclass
class _Child:
    """One sandboxed reader process: it reads at most one document, then exits."""

    process: BaseProcess
    connection: Connection
    limits: _ChildLimits
    ready: bool = False


def _child_limits(limits: SandboxLimits) -> _ChildLimits:
    return (limits.memory_bytes, limits.cpu_seconds)


class _SparePool:
    """Children started before the next document arrives, each used for one document."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refill_lock = threading.Lock()
        self._spares: list[_Child] = []
        self._refills: list[threading.Thread] = []

    def take(self, limits: SandboxLimits, count: int) -> list[_Child]:
        """Hand out `count` unused children with these limits, starting any that are missing."""
        wanted = _child_limits(limits)
        with self._lock:
            taken = [child for child in self._spares if child.limits == wanted][:count]
            self._spares = [child for child in self._spares if child not in taken]
        fresh = [child for child in taken if child.process.is_alive()]
        _retire([child for child in taken if child not in fresh])
        return fresh + [_start_child(wanted) for _ in range(count - len(fresh))]

    def refill(self, limits: SandboxLimits, count: int) -> None:
        """Keep `count` spare children for these limits; drop spares made for other limits."""
        wanted = _child_limits(limits)
        with self._refill_lock:
            with self._lock:
                stale = [child for child in self._spares if child.limits != wanted]
                self._spares = [child for child in self._spares if child.limits == wanted]
                missing = count - len(self._spares)
            _retire(stale)
            started = [_start_child(wanted) for _ in range(missing)]
            with self._lock:
                self._spares.extend(started)

    def refill_in_background(self, limits: SandboxLimits, count: int) -> None:
        """Start the refill on a thread, so the caller's document is not kept waiting."""
        thread = threading.Thread(
            target=self._refill_quietly, args=(limits, count), name="sandbox-refill", daemon=True
        )
        with self._lock:
            self._refills = [running for running in self._refills if running.is_alive()]
            self._refills.append(thread)
        thread.start()

    def finish_refills(self) -> None:
        """Wait for refills still running, so none is cut off half-way at interpreter exit."""
        # A child whose start is cut off prints a traceback from the forkserver.
        while self._refills:
            self._refills.pop().join(timeout=_READY_TIMEOUT_SECONDS)

    def _refill_quietly(self, limits: SandboxLimits, count: int) -> None:
        try:
            self.refill(limits, count)
        except OSError:
            # Out of processes or file descriptors: the next document starts its own children.
            return

    def wait_until_ready(self, limits: SandboxLimits, count: int) -> None:
        """Refill now and block until every spare has started and applied its limits."""
        self.refill(limits, count)
        children = self.take(limits, count)
        deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
        try:
            for child in children:
                _await_ready(child, deadline, "the PDF reader did not start in time")
        except (ReportReadError, EOFError, OSError):
            _retire(children)
            raise
        with self._lock:
            self._spares.extend(children)


_pool = _SparePool()
atexit.register(_pool.finish_refills)
_context: ForkServerContext | None = None
_direct_children = False
# The reader's side of every child still open here; see _close_siblings.
_open_connections: set[Connection] = set()


@contextmanager
def direct_children() -> Iterator[None]:
    """Within this block, fork reader children straight from this process, not the forkserver.

    For a one-shot command that reads a document or a few in its main thread and then
    exits: starting the forkserver (a fresh interpreter that imports the reader and warms
    PDFium) costs several times the reading of a typical report, while forking this process,
    which has already imported the reader, costs a few milliseconds. Each child still
    applies its limits before it reads and reads one document only; its memory limit counts
    the address space it inherits, so this suits a small process, not a large server. No
    spare children are started ahead here: that needs the refill thread, and fork is safe
    only from a process without other threads. A long-running server or worker must not use
    this; any thread found at fork time sends that child through the forkserver anyway.
    """
    global _direct_children
    before = _direct_children
    _direct_children = True
    try:
        yield
    finally:
        _direct_children = before


def _fork_context() -> ForkServerContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _context = context
    return _context


def warm_up(limits: SandboxLimits = DEFAULT_LIMITS) -> None:
    """Start the forkserver and the next document's children, and wait until they are ready."""
    _pool.wait_until_ready(limits, max(1, limits.workers))


def prepare_next_document(limits: SandboxLimits = DEFAULT_LIMITS) -> None:
    """Start the children for the next document in the background (not for direct children)."""
    if _direct_children:
        return
    _pool.refill_in_background(limits, max(1, limits.workers))


def read_pdf_text_sandboxed(
    data: bytes, *, limits: SandboxLimits = DEFAULT_LIMITS, prepare_next: bool = True
) -> PdfText:
    """Read a PDF's page texts in resource-limited child processes.

    With `limits.workers` > 1 the pages are shared out between that many children (page
    i goes to child i mod n), which uses the machine's other cores for long reports.
    With `prepare_next` False the caller starts the next document's children itself
    (`prepare_next_document`), e.g. once its own work on this document is done.
    """
    if len(data) > limits.max_bytes:
        raise ReportReadError(
            f"file too large: the limit is {limits.max_bytes // _MIB} MB", "too_large"
        )
    check_pdf_bytes(data)
    workers = max(1, limits.workers)
    children = _pool.take(limits, workers)
    try:
        deadline = time.monotonic() + limits.wall_seconds
        for part, child in enumerate(children):
            _send_document(child, data, limits, part, workers)
        parts = [_receive_part(child, deadline, limits) for child in children]
    finally:
        _retire(children)
        if prepare_next:
            prepare_next_document(limits)
    return merge_parts(parts)


def _start_child(limits: _ChildLimits) -> _Child:
    context = _reader_context()
    parent_end, child_end = context.Pipe(duplex=True)
    # Before the start, so that a direct child also closes its copy of its own parent end.
    _open_connections.add(parent_end)
    process = context.Process(target=_child_main, args=(child_end, *limits), daemon=True)
    try:
        with _main_module_hidden():
            process.start()
    except BaseException:
        _open_connections.discard(parent_end)
        parent_end.close()
        raise
    finally:
        child_end.close()
    return _Child(process=process, connection=parent_end, limits=limits)


def _reader_context() -> ForkContext | ForkServerContext:
    """Fork directly when this process asked for it and fork is safe here, else the forkserver."""
    # fork copies only the calling thread: a lock held by any other thread at that moment
    # (the allocator's, logging's, a refill's) would stay locked for ever in the child. With
    # no other thread alive, which is the case in a one-shot command's main thread, the
    # child is an exact, consistent copy of a process that has imported the reader.
    if _direct_children and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return _fork_context()


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


def _retire(children: list[_Child]) -> None:
    """Close used or unwanted children; multiprocessing reaps them on its next start."""
    for child in children:
        _open_connections.discard(child.connection)
        child.connection.close()
        if child.process.is_alive():
            child.process.kill()


def _send_document(
    child: _Child, data: bytes, limits: SandboxLimits, part: int, parts: int
) -> None:
    try:
        child.connection.send((limits.max_pages, part, parts, limits.ocr_budget(part, parts)))
        # Raw bytes, not a pickle: the file is copied into the pipe once.
        child.connection.send_bytes(data)
    except OSError:
        # The child is gone; _receive_part reports why from its exit code.
        return


def _await_ready(
    child: _Child, deadline: float, late: str, kind: ReadFailure = "reader_unavailable"
) -> None:
    if child.ready:
        return
    if not child.connection.poll(max(0.0, deadline - time.monotonic())):
        raise ReportReadError(late, kind)
    if child.connection.recv_bytes() != _READY:
        raise ReportReadError("the PDF reader sent an unexpected reply", "reader_unavailable")
    child.ready = True


def _receive_part(child: _Child, deadline: float, limits: SandboxLimits) -> PdfText:
    try:
        # A child still starting up uses the document's time: the limit is end to end.
        _await_ready(child, deadline, _time_limit_message(limits), "wall_time")
        _await_message(child, deadline, limits)
        reply: _ChildReply = child.connection.recv()
        if reply[0] == "memory":
            raise ReportReadError(_memory_message(limits), "memory")
        if reply[0] == "error":
            raise ReportReadError(reply[1], reply[2])
        _await_message(child, deadline, limits)
        pages = child.connection.recv_bytes().decode("utf-8", "surrogatepass")
    except (EOFError, OSError):
        child.process.join(timeout=5)
        raise _crash_error(child.process.exitcode, limits) from None
    return dataclasses.replace(reply[1], pages=tuple(pages.split(_PAGE_SEPARATOR)) if pages else ())


def _await_message(child: _Child, deadline: float, limits: SandboxLimits) -> None:
    if not child.connection.poll(max(0.0, deadline - time.monotonic())):
        raise ReportReadError(_time_limit_message(limits), "wall_time")


def _time_limit_message(limits: SandboxLimits) -> str:
    return f"reading the PDF took longer than the {limits.wall_seconds:g} s time limit"


def _memory_message(limits: SandboxLimits) -> str:
    return (
        f"reading the PDF exceeded the {limits.memory_bytes // _MIB} MB memory limit "
        "(possibly a compression bomb)"
    )


def _crash_error(exitcode: int | None, limits: SandboxLimits) -> ReportReadError:
    """Name what ended the reader: only SIGXCPU is the CPU limit (the memory limit is
    reported by the child itself); a crash or a kill says which signal it was."""
    if exitcode == -signal.SIGXCPU:
        return ReportReadError(
            f"reading the PDF exceeded the {limits.cpu_seconds} s CPU-time limit", "cpu_time"
        )
    if exitcode == -signal.SIGABRT:
        # PDFium aborts when an allocation fails under the address-space limit; a genuine
        # crash shows as SIGSEGV or SIGBUS instead.
        return ReportReadError(_memory_message(limits), "memory")
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        what = "was killed" if exitcode == -signal.SIGKILL else "crashed"
        return ReportReadError(f"reading the PDF failed: the reader {what} ({name})", "crashed")
    return ReportReadError(
        f"reading the PDF failed: the reader stopped unexpectedly (exit code {exitcode})",
        "crashed",
    )


def _child_main(connection: Connection, memory_bytes: int, cpu_seconds: int) -> None:
    _close_siblings()
    _apply_limits(memory_bytes, cpu_seconds)
    try:
        connection.send_bytes(_READY)
        max_pages, part, parts, ocr = connection.recv()
        data = connection.recv_bytes()
    except (EOFError, OSError):
        # The parent went away or dropped this spare before giving it a document.
        return
    reply, pages = _read_part(data, max_pages, part, parts, ocr)
    connection.send(reply)
    if pages is not None:
        connection.send_bytes(pages)
    connection.close()


def _read_part(
    data: bytes, max_pages: int, part: int, parts: int, ocr: OcrBudget
) -> tuple[_ChildReply, bytes | None]:
    try:
        text = read_pdf_text(data, max_pages=max_pages, part=part, parts=parts, ocr=ocr)
        pages = _PAGE_SEPARATOR.join(text.pages).encode("utf-8", "surrogatepass")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return ("ok", dataclasses.replace(text, pages=(), peak_memory_kb=peak)), pages
    except ReportReadError as error:
        return ("error", str(error), error.kind), None
    except MemoryError:
        return ("memory", "", "memory"), None
    except Exception as error:
        return ("error", f"unreadable PDF: {type(error).__name__}", "unreadable"), None


def _close_siblings() -> None:
    """Close the parent's ends of every pipe, this child's own included, that a direct fork
    copied into this child.

    Otherwise this reader could read a sibling's reply meant for the parent, and it (or a
    sibling) would never see the end of its pipe if the parent died. A forkserver child has
    none: the forkserver never starts children of its own, so its set is empty.
    """
    for connection in _open_connections:
        connection.close()
    _open_connections.clear()


def _apply_limits(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # No core files from an aborted parse, and the child has no reason to write files.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
