"""The ``diligence`` command line: one Typer app with a sub-command group per feature.

Each command imports only what it uses: ``diligence --help``, ``questionnaires lint`` and
``reports extract`` start without the web stack, the database or the job queue. The console
script builds the app for the command being invoked; the others are listed by their help only.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Annotated

import typer


@dataclass(frozen=True)
class _Entry:
    """A command group (or a single command), imported only when it is invoked."""

    target: str  # "module:attribute": a Typer app, or a function for a single command
    help: str
    uses_database: bool = True  # such commands install the hooks that keep the dashboard current


_COMMANDS: dict[str, _Entry] = {
    "db": _Entry("app.core.db_cli:app", "Database migrations."),
    "users": _Entry("app.auth.cli:app", "Staff accounts."),
    "audit": _Entry("app.audit.cli:app", "The tamper-evident audit log."),
    "demo": _Entry("app.demo.cli:app", "Demo data."),
    "questionnaires": _Entry(
        "app.questionnaires.cli:app",
        "Questionnaire definitions: lint, import, export.",
        uses_database=False,
    ),
    "reports": _Entry(
        "app.reports.cli:app", "Read facts from SOC reports and certificates.", uses_database=False
    ),
    "storage": _Entry("app.reports.storage_cli:app", "Document storage maintenance."),
    "scores": _Entry("app.scoring.cli:app", "Explainable vendor assurance scores."),
    "reminders": _Entry("app.requests.reminders_cli:app", "Reminders and notices to vendors."),
    "digest": _Entry("app.reviews.cli:app", "Weekly digest to risk officers."),
    "reassessments": _Entry("app.reviews.reassessments_cli:app", "Reassessments by inherent tier."),
    "remediation": _Entry("app.remediation.cli:app", "Remediation with the vendor."),
    "worker": _Entry(
        "app.jobs.cli:worker",
        "Run queued jobs (report reading, mail, reminders, reassessments, remediation, digests, "
        "rescoring) until stopped.",
    ),
}


# A group's sub-command that has a lighter module of its own (a group of just that command).
_SUBCOMMANDS: dict[tuple[str, str], str] = {
    ("questionnaires", "lint"): "app.questionnaires.lint_cli:app",
}


def _load(name: str, entry: _Entry, app: typer.Typer) -> None:
    module_name, _, attribute = entry.target.partition(":")
    target = getattr(importlib.import_module(module_name), attribute)
    if entry.uses_database:
        importlib.import_module("app.wiring").install_session_hooks()
    if isinstance(target, typer.Typer):
        app.add_typer(target, name=name)
    else:
        app.command(name)(target)


def _list_only(name: str, entry: _Entry, app: typer.Typer) -> None:
    """List a command by its help without importing it: it is not the one being invoked."""
    if entry.target.endswith(":app"):
        app.add_typer(typer.Typer(help=entry.help), name=name)
    else:
        app.command(name, help=entry.help)(_listed_only)


def _listed_only() -> None:
    raise RuntimeError("a command built for the listing only was invoked")


def _start() -> None:
    """Diligence: vendor security due diligence."""


def build_app(argv: list[str] | None = None) -> typer.Typer:
    """The command line; given ``argv``, only the command it invokes is imported."""
    words = [arg for arg in argv if not arg.startswith("-")] if argv else []
    invoked = words[0] if words else None
    light = _SUBCOMMANDS.get((words[0], words[1])) if len(words) > 1 else None
    app = typer.Typer(
        help="Diligence: vendor security due diligence.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_start)
    for name, entry in _COMMANDS.items():
        if light is not None and name == invoked:
            _load(name, _Entry(light, entry.help, entry.uses_database), app)
        elif argv is None or name == invoked:
            _load(name, entry, app)
        else:
            _list_only(name, entry, app)
    app.command()(serve)
    return app


def serve(
    port: Annotated[int | None, typer.Option(help="Port (default DILIGENCE_PORT or 8000).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface (default DILIGENCE_HOST).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
    setup: Annotated[
        bool,
        typer.Option(
            "--setup",
            help="First migrate the database and load demo data when it is empty (make run).",
        ),
    ] = False,
) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    from app.core.config import get_settings
    from app.core.serving import server_options

    # The options win over the environment, for the links the app prints and mails too.
    if port is not None:
        os.environ["DILIGENCE_PORT"] = str(port)
    if host is not None:
        os.environ["DILIGENCE_HOST"] = host
    get_settings.cache_clear()
    settings = get_settings()
    if setup:
        # One process instead of three: `make run` pays the start-up of the app only once.
        from app.core.db_cli import upgrade
        from app.demo.cli import load

        upgrade()
        importlib.import_module("app.wiring").install_session_hooks()
        load(if_empty=True)
        address = f"http://{host or settings.host}:{port or settings.port}"
        typer.echo(f"\nDiligence is starting at {address}  (stop with Ctrl+C)\n")
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
        build_app(sys.argv[1:])()
    except Exception as exc:
        # Pydantic is loaded only by commands that read settings; the check must not load it.
        pydantic = sys.modules.get("pydantic")
        if pydantic is None or not isinstance(exc, pydantic.ValidationError):
            raise
        if exc.title != "Settings":
            raise
        # A mistyped DILIGENCE_* variable: say which one, not a traceback.
        for error in exc.errors():
            name = f"DILIGENCE_{str(error['loc'][0]).upper()}" if error["loc"] else "settings"
            message = error["msg"].removeprefix("Value error, ")
            sys.stderr.write(f"error: {name}: {message}\n")
        raise SystemExit(2) from None
