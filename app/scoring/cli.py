"""`diligence scores`: explain a vendor's assurance score from facts files."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from app.scoring.domain.inputs import DocumentFacts, VendorProfile, parse_facts, parse_profile
from app.scoring.domain.policy import Policy
from app.scoring.domain.proven_claims import prefill_claims
from app.scoring.domain.results import ScoreResult
from app.scoring.domain.rules import score_vendor
from app.scoring.errors import ScoringError
from app.scoring.policy_loader import load_default_policy, load_policy_file
from app.scoring.recompute_cli import recompute

app = typer.Typer(help="Explainable vendor assurance scores.", no_args_is_help=True)
app.command("recompute")(recompute)

_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
_BAND_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "red", "F": "bold red"}


class Tier(StrEnum):
    critical = "critical"
    high = "high"
    moderate = "moderate"
    low = "low"


@app.callback()
def _scores() -> None:
    """Explainable vendor assurance scores."""


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        _fail(f"{what} file not found: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {what} file {path}: {exc.__class__.__name__}")
    except json.JSONDecodeError as exc:
        _fail(f"{what} file {path} is not valid JSON (line {exc.lineno}, column {exc.colno})")


def _load_facts(paths: list[Path]) -> list[DocumentFacts]:
    return [parse_facts(_read_json(path, "facts"), default_document_id=path.name) for path in paths]


def _load_profile(profile_path: Path | None, tier: Tier | None) -> VendorProfile:
    data: dict[str, object] = {}
    if profile_path is not None:
        raw = _read_json(profile_path, "profile")
        if not isinstance(raw, dict):
            _fail("vendor profile must be a JSON object")
        data = dict(raw)
    if tier is not None:
        data["inherent_tier"] = tier.value
    # With neither a profile nor a tier, assume a high inherent tier rather than under-rate risk.
    data.setdefault("inherent_tier", Tier.high.value)
    return parse_profile(data)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"--as-of must be a date as YYYY-MM-DD, not {text!r}")


def _load_policy(path: Path | None) -> Policy:
    return load_default_policy() if path is None else load_policy_file(path)


FactsOption = Annotated[
    list[Path], typer.Option("--facts", help="Facts JSON from `reports extract --json`; repeat.")
]
AsOfOption = Annotated[str, typer.Option("--as-of", help="Evaluation date, YYYY-MM-DD.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _with_names(profile: VendorProfile, name: str | None, aliases: list[str]) -> VendorProfile:
    names = [item.strip() for item in (name, *aliases) if item and item.strip()]
    if not names:
        return profile
    return profile.model_copy(update={"organization_names": (*names, *profile.organization_names)})


@app.command()
def explain(
    facts: FactsOption,
    as_of: AsOfOption,
    answers: Annotated[Path | None, typer.Option(help="Answers JSON keyed by maps_to.")] = None,
    tier: Annotated[Tier | None, typer.Option(help="Inherent risk tier of the vendor.")] = None,
    profile: Annotated[Path | None, typer.Option(help="Vendor profile JSON.")] = None,
    policy: Annotated[Path | None, typer.Option(help="Policy YAML (default: packaged).")] = None,
    vendor_name: Annotated[
        str | None,
        typer.Option(
            "--vendor-name",
            help="The vendor's legal name: documents about another organisation earn nothing.",
        ),
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="Another name of the vendor (repeat for several)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Score a vendor from facts files and explain every point."""
    evaluation_date = _parse_date(as_of)
    try:
        documents = _load_facts(facts)
        claims = _read_json(answers, "answers") if answers is not None else {}
        if not isinstance(claims, dict):
            _fail("answers must be a JSON object")
        vendor = _with_names(_load_profile(profile, tier), vendor_name, alias or [])
        result = score_vendor(documents, claims, vendor, evaluation_date, _load_policy(policy))
    except ScoringError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _render(result, assumed_tier=tier is None and profile is None)


@app.command()
def prefill(
    facts: Annotated[Path, typer.Option("--facts", help="Facts JSON of one document.")],
    as_of: AsOfOption,
) -> None:
    """Print the questionnaire claims a document already answers, as JSON."""
    evaluation_date = _parse_date(as_of)
    try:
        (document,) = _load_facts([facts])
        days = load_default_policy().current_report_days
    except ScoringError as exc:
        _fail(str(exc))
    claims = prefill_claims(document, evaluation_date, current_report_days=days)
    typer.echo(json.dumps({key: claim.model_dump() for key, claim in claims.items()}, indent=2))


@app.command("check-policy")
def check_policy(path: Annotated[Path, typer.Argument(help="Policy YAML file.")]) -> None:
    """Validate a policy file and print its version."""
    try:
        loaded = load_policy_file(path)
    except ScoringError as exc:
        _fail(str(exc))
    typer.echo(f"{path}: valid policy {loaded.version}")


def _bar(points: int, maximum: int, width: int = 12) -> str:
    filled = round(width * points / maximum) if maximum else 0
    return "█" * filled + "░" * (width - filled)


def _render(result: ScoreResult, *, assumed_tier: bool) -> None:
    console = Console(highlight=False)
    _render_headline(console, result, assumed_tier=assumed_tier)
    if result.factors:
        table = Table(title="Factors")
        for column in ("Factor", "Points", "", "Why"):
            table.add_column(column)
        for factor in result.factors:
            table.add_row(
                f"{factor.factor} {factor.title}",
                f"{factor.points}/{factor.max}",
                _bar(factor.points, factor.max),
                f"[dim]{factor.reason_code}[/] {escape(factor.message)}",
            )
        console.print(table)
    _render_notes(console, result)


def _render_headline(console: Console, result: ScoreResult, *, assumed_tier: bool) -> None:
    if result.score is None:
        console.print("[bold]Score:[/] none (no SOC report to score)")
    else:
        style = _BAND_STYLE.get(result.band or "F", "")
        capped = (
            f" (before caps {result.pre_cap_score})" if result.pre_cap_score != result.score else ""
        )
        console.print(
            f"[bold]Score:[/] {result.score}/100{capped}  "
            f"[{style}]Band {result.band} · {result.band_label}[/]"
        )
    tier = f"{result.inherent_tier} (assumed)" if assumed_tier else result.inherent_tier
    console.print(f"[bold]Residual risk:[/] {result.residual_risk} (inherent tier {tier})")
    if result.provisional:
        console.print("[bold yellow]Provisional:[/] a reviewer must confirm the facts (G5).")
    console.print(
        f"Policy {result.policy_version} · evaluated {result.evaluation_date} · "
        f"best document {escape(result.best_document_id or '-')}"
    )


def _render_notes(console: Console, result: ScoreResult) -> None:
    for gate in result.gates:
        console.print(
            f"[bold magenta]{gate.gate} {gate.reason_code}[/] ({gate.effect}): "
            f"{escape(gate.message)}"
        )
    for flag in result.flags:
        where = escape(f" [{flag.document_id}]") if flag.document_id else ""
        console.print(f"[blue]flag[/] {flag.code}{where}: {escape(flag.message)}")
    for item in result.findings:
        style = _SEVERITY_STYLE[item.severity]
        console.print(f"[{style}]{item.severity.upper()}[/] {item.code}: {escape(item.message)}")
