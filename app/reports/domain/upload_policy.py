"""The upload policy's pure half: what a file carries, and what to tell the person who sent it.

A file is read in the sandbox before anything is kept. What cannot be read is refused with a
reason the uploader can act on; what can be read but carries active content (scripts, launch
actions, embedded files, data hidden after the end of the PDF) is kept, flagged for staff and
never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

JAVASCRIPT = "javascript"
LAUNCH_ACTION = "launch_action"
EMBEDDED_FILE = "embedded_file"
TRAILING_DATA = "trailing_data"
ACTIVE_CONTENT_LABELS = {
    JAVASCRIPT: "JavaScript",
    LAUNCH_ACTION: "a Launch action (opens another program)",
    EMBEDDED_FILE: "embedded files",
    TRAILING_DATA: "data after the end of the PDF (for example an appended archive)",
}
_NAMES = {
    b"JavaScript": JAVASCRIPT,
    b"JS": JAVASCRIPT,
    b"Launch": LAUNCH_ACTION,
    b"EmbeddedFile": EMBEDDED_FILE,
    b"EmbeddedFiles": EMBEDDED_FILE,
    b"RichMedia": EMBEDDED_FILE,
}
# A PDF name ends at white space or a delimiter; "#xx" spells any byte, so "/J#61vaScript" is
# "/JavaScript" to a viewer and must be to us too.
_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)(?=[\s/<>\[\]()%{}]|\Z)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Compressed stream bodies are binary: three random bytes spell "/JS" now and then.
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_EOF_MARKER = b"%%EOF"
# What may follow the last end-of-file marker in an ordinary file: line ends, padding.
_HARMLESS_TAIL = b" \t\r\n\x00\x0c"
_TAIL_ALLOWANCE = 32


def _unescape(name: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


def active_content_in(data: bytes) -> frozenset[str]:
    """Return the kinds of active content named in a PDF's uncompressed bytes."""
    found: set[str] = set()
    for match in _NAME.finditer(_STREAM_BODY.sub(b" ", data)):
        name = match.group(1)
        kind = _NAMES.get(_unescape(name) if b"#" in name else name)
        if kind is not None:
            found.add(kind)
    if _has_trailing_data(data):
        found.add(TRAILING_DATA)
    return frozenset(found)


def _has_trailing_data(data: bytes) -> bool:
    end = data.rfind(_EOF_MARKER)
    if end < 0:
        return False
    tail = data[end + len(_EOF_MARKER) :]
    return len(tail.strip(_HARMLESS_TAIL)) > 0 or len(tail) > _TAIL_ALLOWANCE


def flags_of(data: bytes, *, javascript_actions: int = 0, attachments: int = 0) -> tuple[str, ...]:
    """Every active-content flag of a PDF: from its bytes and from what the reader found."""
    found = set(active_content_in(data))
    if javascript_actions > 0:
        found.add(JAVASCRIPT)
    if attachments > 0:
        found.add(EMBEDDED_FILE)
    return tuple(sorted(found))


def describe_flags(flags: Iterable[str]) -> str:
    """Return the flags in words for staff, e.g. 'JavaScript, embedded files'."""
    return ", ".join(ACTIVE_CONTENT_LABELS.get(flag, flag) for flag in flags)


_AGAIN = "Save or export the report as a new PDF and upload that copy."
_REASONS = {
    "not_pdf": "The file is not a PDF. " + _AGAIN,
    "truncated": (
        "The file is incomplete: it ends before the end of the PDF (the upload or an earlier "
        "copy may have been cut off). Upload the complete file."
    ),
    "unreadable": "The file is damaged or is not a valid PDF, so it cannot be read. " + _AGAIN,
    "too_large": "The file is larger than the reader accepts. Upload a smaller copy.",
    "memory": (
        "The file expands to far more data than a report needs when it is opened (it may be "
        "damaged or built to overload readers). " + _AGAIN
    ),
    "cpu_time": (
        "The file takes far too long to read (it may be damaged or unusually complex). " + _AGAIN
    ),
    "wall_time": (
        "The file took too long to read (it may be damaged or unusually complex). Try again; "
        "if it happens again, " + _AGAIN[0].lower() + _AGAIN[1:]
    ),
    "crashed": "The reader stopped while opening the file (it may be damaged). " + _AGAIN,
    "password": (
        "The PDF needs a password to open. Upload a copy that opens without a password "
        "(restrictions on printing or copying are fine)."
    ),
    "no_pages": "The PDF has no pages that can be read. " + _AGAIN,
    "malware": (
        "The file was flagged by our malware scanner and was not accepted. Check the file on "
        "your side and upload a clean copy; contact us if you think this is a mistake."
    ),
}


def refusal_reason(kind: str, *, page_count: int = 0, max_pages: int = 0) -> str:
    """Return the plain reason an upload is refused, for the person who uploaded it."""
    if kind == "too_many_pages":
        return (
            f"The PDF has {page_count or 'too many'} pages; the limit is {max_pages}. Upload "
            "the report on its own, without appendices bundled into the same file."
        )
    return _REASONS.get(kind, _REASONS["unreadable"])


_PAGE_COUNT = re.compile(r"too many pages: (\d+) \(the limit is (\d+)\)")


def page_counts(message: str) -> tuple[int, int]:
    """Return (pages, limit) from the reader's too-many-pages message, or zeros."""
    match = _PAGE_COUNT.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)
