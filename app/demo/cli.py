"""``diligence demo``: load demo data."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel

from app.core.cli import cli_session, console
from app.core.config import get_settings
from app.core.db import get_engine, session_scope
from app.demo import service as demo_service
from app.mail.service import deliver_queued
from app.mail.transport import get_mailer

app = typer.Typer(help="Demo data.", no_args_is_help=True)


@app.command("load")
def load(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database already has data.")
    ] = False,
) -> None:
    """Load an admin account, sample vendors, their sample reports and one sent questionnaire."""
    settings = get_settings()
    with cli_session() as session:
        if if_empty and not demo_service.is_empty(session):
            console.print(
                "database already has data; demo data not loaded. Sign in with an existing "
                "account, or set a new password: diligence users reset-password --email EMAIL",
                highlight=False,
                soft_wrap=True,
            )
            return
        result = demo_service.load_demo(session)
        documents = demo_service.load_sample_documents(session, settings=settings)
        sent = demo_service.send_sample_questionnaire(session, settings=settings)
    with session_scope(get_engine(settings.database_url, pool_size=2)) as session:
        delivered = deliver_queued(session, get_mailer(settings))
    lines = [
        f"Open      {settings.public_base_url}",
        f"Sign in   {result.admin_email}",
    ]
    if result.admin_password is not None:
        lines.append(f"Password  [bold]{result.admin_password}[/]  (shown once: note it now)")
    else:
        lines.append("Password  the one shown when the account was created; to set a new one:")
        lines.append(f"          diligence users reset-password --email {result.admin_email}")
    lines.append(f"Demo      {result.vendors_created} vendors, {documents} sample reports read")
    console.print(
        Panel("\n".join(lines), title="Diligence is ready", title_align="left", expand=False),
        highlight=False,
    )
    if sent and delivered:
        # Outside the frame, on one line, so that the whole link can be copied.
        link = demo_service.latest_outbox_link(settings.outbox_dir)
        console.print(
            f"The demo vendor {demo_service.DEMO_QUESTIONNAIRE_VENDOR} was sent a questionnaire; "
            "its vendor portal:",
            highlight=False,
        )
        console.print(
            link or f"the link in the newest mail in {settings.outbox_dir}/",
            highlight=False,
            soft_wrap=True,
        )
