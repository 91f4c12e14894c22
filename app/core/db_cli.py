"""``diligence db``: migrations."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from app.core import migrate
from app.core.cli import console, fail
from app.core.config import get_settings

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


def _url() -> str:
    return get_settings().database_url


@app.command("upgrade")
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    try:
        migrate.upgrade(_url(), revision)
        current = migrate.current_revision(_url())
    except OperationalError as exc:
        raise fail(f"cannot reach the database: {exc.orig}") from None
    console.print(f"database at revision {current}")


@app.command("downgrade")
def downgrade(revision: Annotated[str, typer.Argument(help="Target, e.g. -1 or base.")]) -> None:
    """Revert migrations down to REVISION."""
    try:
        migrate.downgrade(_url(), revision)
        current = migrate.current_revision(_url())
    except OperationalError as exc:
        raise fail(f"cannot reach the database: {exc.orig}") from None
    console.print(f"database at revision {current or 'base (empty)'}")


@app.command("current")
def current() -> None:
    """Show the database's revision and the newest one; exit 1 when they differ."""
    try:
        revision = migrate.current_revision(_url())
    except OperationalError as exc:
        raise fail(f"cannot reach the database: {exc.orig}") from None
    head = migrate.head_revision(_url())
    console.print(f"current: {revision or 'none (not migrated)'}\nhead:    {head}")
    if revision != head:
        raise typer.Exit(1)
