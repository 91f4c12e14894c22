"""The ``diligence`` command line: one Typer app with a sub-command group per feature."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from app.audit.cli import app as audit_app
from app.auth.cli import app as users_app
from app.core.cli import err_console
from app.core.config import Settings, get_settings
from app.core.db_cli import app as db_app
from app.demo.cli import app as demo_app
from app.jobs.cli import worker
from app.questionnaires.cli import app as questionnaires_app
from app.reports.cli import app as reports_app
from app.reports.storage_cli import app as storage_app
from app.requests.reminders_cli import app as reminders_app
from app.reviews.cli import app as digest_app
from app.scoring.cli import app as scores_app
from app.scoring.recompute_cli import recompute
from app.wiring import install_session_hooks

app = typer.Typer(
    help="Diligence: vendor security due diligence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _start() -> None:
    """Diligence: vendor security due diligence."""
    install_session_hooks()  # commands that change scores or documents keep the dashboard current


app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(questionnaires_app, name="questionnaires")
app.add_typer(reports_app, name="reports")
app.add_typer(storage_app, name="storage")
scores_app.command("recompute")(recompute)
app.add_typer(scores_app, name="scores")
app.add_typer(reminders_app, name="reminders")
app.add_typer(digest_app, name="digest")
app.command("worker")(worker)


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Port (default DILIGENCE_PORT or 8000).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface (default DILIGENCE_HOST).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    from app.core.serving import server_options

    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        **server_options(settings),
    )


def main() -> None:
    """Entry point of the ``diligence`` console script."""
    try:
        app()
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        # A mistyped DILIGENCE_* variable: say which one, not a traceback.
        for error in exc.errors():
            name = f"DILIGENCE_{str(error['loc'][0]).upper()}" if error["loc"] else "settings"
            message = error["msg"].removeprefix("Value error, ")
            err_console.print(
                f"[bold red]error:[/] {name}: {message}", highlight=False, soft_wrap=True
            )
        raise SystemExit(2) from None
