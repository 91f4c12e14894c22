"""``diligence reminders``: send due reminders and report-currency notices (run daily)."""

from __future__ import annotations

import typer

from app.core.cli import TodayOption, as_of_date, cli_session, console
from app.core.config import get_settings
from app.mail.service import deliver_now
from app.requests.reminders import send_reminders

app = typer.Typer(help="Reminders and notices to vendors.", no_args_is_help=True)


@app.command("send")
def send(
    today: TodayOption = None,
) -> None:
    """Queue and send every reminder due today; safe to run repeatedly."""
    as_of = as_of_date(today)
    settings = get_settings()
    with cli_session() as session:
        run = send_reminders(session, today=as_of, settings=settings)
    delivered = deliver_now(settings)
    console.print(
        f"{run.due_reminders} due-date reminder(s), {run.currency_notices} report notice(s) "
        f"queued; {delivered} message(s) delivered"
    )
