"""Start-up wiring that every entry point shares: the web application, the CLI, the worker."""

from __future__ import annotations

from app.core import session_hooks
from app.reviews import summary


def install_session_hooks() -> None:
    """Keep each vendor's dashboard row (``vendor_review``) in step with its data on every flush."""
    session_hooks.install(summary.install)
