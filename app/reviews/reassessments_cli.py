"""``diligence reassessments``: send each tier's questionnaires when a review date comes."""

from __future__ import annotations

import typer

from app.audit.actors import CLI
from app.core.cli import TodayOption, as_of_date, cli_session, console
from app.core.config import get_settings
from app.mail.service import deliver_now
from app.reviews.reassessments import send_due_reassessments

app = typer.Typer(help="Reassessments by inherent tier.", no_args_is_help=True)


@app.callback()
def reassessments() -> None:
    """Reassessments by inherent tier (run `send` daily)."""


@app.command("send")
def send(
    today: TodayOption = None,
) -> None:
    """Send the reassessments whose date has come; safe to run repeatedly (each goes once)."""
    as_of = as_of_date(today)
    settings = get_settings()
    with cli_session() as session:
        run = send_due_reassessments(session, today=as_of, settings=settings, actor=CLI)
    delivered = deliver_now(settings)
    console.print(
        f"{run.vendors} vendor(s) sent {run.requests} questionnaire(s); "
        f"{run.without_contact} due without a primary contact; {delivered} message(s) delivered"
    )
