"""``diligence digest``: the weekly review digest to risk officers, and the review summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from app.core.cli import cli_session, console, fail
from app.core.config import get_settings
from app.core.db import get_engine, utcnow
from app.mail.service import MailDispatcher
from app.mail.transport import get_mailer
from app.reviews.digest import send_digest
from app.reviews.summary import rebuild_all

app = typer.Typer(help="Weekly digest to risk officers.", no_args_is_help=True)


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else utcnow().date()
    except ValueError:
        raise fail(f"--today must be YYYY-MM-DD, not {value!r}", code=2) from None


@app.command("send")
def send(
    today: Annotated[
        str | None, typer.Option(help="Evaluate as of this date (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Queue and send this ISO week's digest; running it again the same week sends nothing."""
    as_of = _day(today)
    settings = get_settings()
    with cli_session() as session:
        run = send_digest(session, today=as_of, settings=settings)
    engine = get_engine(settings.database_url, pool_size=2)
    delivered = MailDispatcher(engine, get_mailer(settings)).deliver()
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
