"""``diligence demo``: load demo data."""

from __future__ import annotations

from typing import Annotated

import typer

from app.core.cli import cli_session, console
from app.demo import service as demo_service

app = typer.Typer(help="Demo data.", no_args_is_help=True)


@app.command("load")
def load(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database already has data.")
    ] = False,
) -> None:
    """Load an admin account and sample vendors."""
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
    console.print(f"demo data loaded: {result.vendors_created} vendors")
    if result.admin_password is not None:
        console.print(
            f"sign in as [bold]{result.admin_email}[/] with password "
            f"[bold]{result.admin_password}[/] (shown once; change it after signing in)",
            highlight=False,
            soft_wrap=True,
        )
    else:
        console.print(
            f"sign in as {result.admin_email} with the password shown when it was created; "
            f"to set a new one: diligence users reset-password --email {result.admin_email}",
            highlight=False,
            soft_wrap=True,
        )
