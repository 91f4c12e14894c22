"""Shared helpers for the command line: consoles, one-line errors, a database session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_engine, session_scope, utcnow
from app.core.errors import DiligenceError

console = Console()
err_console = Console(stderr=True)

TodayOption = Annotated[
    str | None, typer.Option(help="Evaluate as of this date (YYYY-MM-DD); default today.")
]
"""A command's ``--today``: read it with ``as_of_date``."""


def as_of_date(today: str | None) -> date:
    """Read a command's ``--today`` option (YYYY-MM-DD); without it, today in UTC."""
    try:
        return date.fromisoformat(today) if today else utcnow().date()
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--today") from None


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line to stderr and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def cli_session() -> Iterator[Session]:
    """Open a committed session on the configured database, turning failures into one line."""
    settings = get_settings()
    try:
        with session_scope(get_engine(settings.database_url, pool_size=2)) as session:
            yield session
    except OperationalError as exc:
        raise fail(f"cannot use the database: {exc.orig}") from None
    except DiligenceError as exc:
        raise fail(exc.message) from None
