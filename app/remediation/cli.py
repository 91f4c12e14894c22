"""``diligence remediation``: reopen the remediation items whose risk acceptance has ended."""

from __future__ import annotations

import typer

from app.audit.actors import CLI
from app.core.cli import TodayOption, as_of_date, cli_session, console
from app.remediation.service import reopen_lapsed_acceptances

app = typer.Typer(help="Remediation with the vendor.", no_args_is_help=True)


@app.callback()
def remediation() -> None:
    """Remediation with the vendor (run `reopen-expired` daily)."""


@app.command("reopen-expired")
def reopen_expired(
    today: TodayOption = None,
) -> None:
    """Reopen every accepted risk whose end date has come; safe to run repeatedly."""
    as_of = as_of_date(today)
    with cli_session() as session:
        reopened = reopen_lapsed_acceptances(session, today=as_of, actor=CLI)
    console.print(f"{reopened} accepted risk(s) ended and reopened")
