"""Reading definition files from the `questionnaires/` library folder (the only file I/O here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.questionnaires.domain.definition import QuestionnaireDefinition, content_hash
from app.questionnaires.domain.parsing import ParsedDefinition, parse_definition
from app.questionnaires.errors import DefinitionNotFound, DefinitionProblem, InvalidDefinition

LIBRARY_ROOT = Path(__file__).resolve().parents[2] / "questionnaires"
"""The repository's questionnaire library folder."""

_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.yaml$")


@dataclass(frozen=True)
class LoadedDefinition:
    """A parsed definition file with its exact content hash."""

    path: Path
    parsed: ParsedDefinition
    content_hash: str

    @property
    def definition(self) -> QuestionnaireDefinition:
        """Return the validated definition."""
        return self.parsed.definition


def display_name(path: Path) -> str:
    """Return the path as shown in messages: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_definition_file(path: Path) -> LoadedDefinition:
    """Read, hash, parse and validate one definition file; check its name matches its content."""
    name = display_name(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = DefinitionProblem(name, None, "", "file is not UTF-8 text")
        raise InvalidDefinition([problem]) from error
    parsed = parse_definition(text, name)
    _check_file_name(path, parsed)
    return LoadedDefinition(path, parsed, content_hash(data))


def _check_file_name(path: Path, parsed: ParsedDefinition) -> None:
    match = _VERSION_FILE.match(path.name)
    definition = parsed.definition
    problems = []
    if match is None or int(match.group(1)) != definition.version:
        message = f"file name should be v{definition.version}.yaml to match version"
        problems.append(
            DefinitionProblem(parsed.source_name, parsed.line_for(("version",)), "version", message)
        )
    if path.parent.name != definition.slug:
        message = f"folder should be named '{definition.slug}' to match slug"
        problems.append(
            DefinitionProblem(parsed.source_name, parsed.line_for(("slug",)), "slug", message)
        )
    if problems:
        raise InvalidDefinition(problems)


def definition_files(root: Path) -> list[Path]:
    """List every `<slug>/v<N>.yaml` under a library folder, by slug then version."""
    found = [path for path in root.glob("*/v*.yaml") if _VERSION_FILE.match(path.name)]
    return sorted(found, key=lambda p: (p.parent.name, int(p.stem[1:])))


def released_versions(root: Path, slug: str) -> list[int]:
    """Return the version numbers that exist for a slug, ascending."""
    return sorted(int(p.stem[1:]) for p in definition_files(root) if p.parent.name == slug)


def find_definition(root: Path, slug: str, version: int | None = None) -> LoadedDefinition:
    """Load a slug's given version, or its latest when `version` is None."""
    versions = released_versions(root, slug)
    if not versions:
        raise DefinitionNotFound(f"no questionnaire '{slug}' in {root}")
    chosen = versions[-1] if version is None else version
    if chosen not in versions:
        raise DefinitionNotFound(f"questionnaire '{slug}' has no version {chosen}")
    return load_definition_file(root / slug / f"v{chosen}.yaml")
