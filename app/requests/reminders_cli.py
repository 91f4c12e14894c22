"""``diligence reminders``: send due reminders and report-currency notices (run daily)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from app.core.cli import cli_session, console
from app.core.config import get_settings
from app.core.db import get_engine, utcnow
from app.mail.service import MailDispatcher
from app.mail.transport import get_mailer
from app.requests.reminders import send_reminders

app = typer.Typer(help="Reminders and notices to vendors.", no_args_is_help=True)


@app.command("send")
def send(
    today: Annotated[
        str | None, typer.Option(help="Evaluate as of this date (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Queue and send every reminder due today; safe to run repeatedly."""
    try:
        as_of = date.fromisoformat(today) if today else utcnow().date()
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    settings = get_settings()
    with cli_session() as session:
        run = send_reminders(session, today=as_of, settings=settings)
    engine = get_engine(settings.database_url, pool_size=2)
    delivered = MailDispatcher(engine, get_mailer(settings)).deliver()
    console.print(
        f"{run.due_reminders} due-date reminder(s), {run.currency_notices} report notice(s) "
        f"queued; {delivered} message(s) delivered"
    )
