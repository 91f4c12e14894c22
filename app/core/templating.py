"""The one Jinja2 environment: autoescape is on for every template, whatever its extension."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


@lru_cache(maxsize=256)
def _fingerprint(path: str) -> str:
    try:
        return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


@pass_context
def static_url(context: Any, path: str) -> str:
    """Return a static file's URL with its content hash, so browsers may cache it for good."""
    request: Request = context["request"]
    url = str(request.url_for("static", path=path))
    version = _fingerprint(path)
    return f"{url}?v={version}" if version else url


def _format_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _label(value: object) -> str:
    """Show a stored value (an enum member) as the product writes labels: "In progress".

    A value whose type names its own words (``RequestStatus.label``) shows those; any other
    ``risk_officer`` becomes "Risk officer". CSS classes keep using the raw value.
    """
    own = getattr(value, "label", None)
    if isinstance(own, str):
        return own
    raw = value.value if isinstance(value, Enum) else value
    words = str(raw).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def build_environment(directory: Path = TEMPLATE_DIR) -> Environment:
    """Build the environment used for pages and e-mails."""
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _format_date
    env.filters["label"] = _label
    env.globals["static_url"] = static_url
    return env


def _current_user(request: Request) -> dict[str, object]:
    # Every page shows the navigation for the signed-in user, even pages that do not load one.
    # ``organisation_profile`` is put there by the organisation feature for staff pages.
    return {
        "user": getattr(request.state, "user", None),
        "organisation_profile": getattr(request.state, "organisation_profile", None),
    }


templates = Jinja2Templates(env=build_environment(), context_processors=[_current_user])
