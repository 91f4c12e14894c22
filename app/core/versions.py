"""Versions carried by staff edit forms, so a save from a stale page is refused, not applied.

A form shows the version of what it edits in a hidden field; the save compares it with the
row's version now. Rows without a version column are versioned by a fingerprint of the values
the form edits: any change by someone else since the page was opened changes it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from app.core.errors import Conflict

VERSION_FIELD = "version"
# Like "If-Match: *": callers without page state (the JSON API) change whatever is current.
# Never read from a form: ``submitted_version`` refuses it.
ANY_VERSION = "*"


def fingerprint(*values: object) -> str:
    """Return a short, stable version of the given values."""
    text = json.dumps(values, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class StaleEdit(Conflict):
    """The page was opened before someone else changed what it edits (409)."""

    code = "stale_edit"
    title = "Changed by someone else"


def check_version(submitted: str | None, current: str, *, what: str) -> None:
    """Refuse a save whose form version is missing or is not the current one."""
    if submitted == ANY_VERSION:
        return
    if not submitted:
        raise StaleEdit(
            f"This form is out of date: it does not say which version of {what} it changes. "
            "Your entries are kept below; check them against the current values and save again."
        )
    if not hmac.compare_digest(submitted, current):
        raise StaleEdit(
            f"Someone else changed {what} after you opened this page. Your entries are kept "
            "below beside the current values; check them and save again.",
            details={"current_version": current},
        )


def submitted_version(form: Mapping[str, Any]) -> str | None:
    """Return the version a submitted form carries, if any."""
    value = form.get(VERSION_FIELD)
    return str(value) if value and value != ANY_VERSION else None
