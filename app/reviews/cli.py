"""``diligence digest``: the weekly review digest to risk officers, and the review summary."""

from __future__ import annotations

import typer

from app.core.cli import TodayOption, as_of_date, cli_session, console
from app.core.config import get_settings
from app.mail.service import deliver_now
from app.reviews.digest import send_digest
from app.reviews.summary import rebuild_all

app = typer.Typer(help="Weekly digest to risk officers.", no_args_is_help=True)


@app.command("send")
def send(
    today: TodayOption = None,
) -> None:
    """Queue and send this ISO week's digest; running it again the same week sends nothing."""
    as_of = as_of_date(today)
    settings = get_settings()
    with cli_session() as session:
        run = send_digest(session, today=as_of, settings=settings)
    delivered = deliver_now(settings)
    console.print(
        f"week {run.week}: {run.sent} digest(s) queued, {run.already_sent} already sent; "
        f"{delivered} message(s) delivered"
    )


@app.command("rebuild-summaries")
def rebuild_summaries() -> None:
    """Recompute every vendor's dashboard summary row (after a restore or an upgrade)."""
    with cli_session() as session:
        count = rebuild_all(session)
    console.print(f"{count} vendor summary row(s) rebuilt")
