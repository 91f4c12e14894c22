"""``diligence users``: staff accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from app.audit import actors
from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.passwords import generate_password
from app.core.cli import cli_session, console

app = typer.Typer(help="Staff accounts.", no_args_is_help=True)


@app.command("create")
def create(
    email: Annotated[str, typer.Option(help="E-mail address used to sign in.")],
    role: Annotated[Role, typer.Option(help="Role of the account.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (at least 12 characters); generated and shown once if omitted."
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="Full name.")] = "",
) -> None:
    """Create a local staff account."""
    chosen = password or generate_password()
    with cli_session() as session:
        user = auth_service.create_user(
            session, email=email, role=role, password=chosen, full_name=name, actor=actors.CLI
        )
    console.print(f"created {user.email} ({user.role.value})")
    if password is None:
        console.print(f"password (shown once): [bold]{chosen}[/]", highlight=False, soft_wrap=True)


@app.command("reset-password")
def reset_password(
    email: Annotated[str, typer.Option(help="E-mail address of the account.")],
    password: Annotated[
        str | None, typer.Option(help="New password; generated and shown once if omitted.")
    ] = None,
) -> None:
    """Give an account a new password and sign it out everywhere."""
    chosen = password or generate_password()
    with cli_session() as session:
        user = auth_service.reset_password(session, email=email, password=chosen, actor=actors.CLI)
    console.print(f"password reset for {user.email}")
    if password is None:
        console.print(
            f"new password (shown once): [bold]{chosen}[/]", highlight=False, soft_wrap=True
        )


@app.command("set-role")
def set_role(
    email: Annotated[str, typer.Option(help="E-mail address of the account.")],
    role: Annotated[Role, typer.Option(help="New role; applies from the user's next request.")],
) -> None:
    """Change an account's role."""
    with cli_session() as session:
        user = auth_service.set_role(session, email=email, role=role, actor=actors.CLI)
    console.print(f"{user.email} is now {user.role.value}")


@app.command("disable")
def disable(
    email: Annotated[str, typer.Option(help="E-mail address of the account.")],
) -> None:
    """Disable an account and end all of its sessions immediately."""
    with cli_session() as session:
        user = auth_service.disable_user(session, email=email, actor=actors.CLI)
    console.print(f"{user.email} is disabled; its sessions have ended")
