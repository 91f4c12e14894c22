"""Parsing definition text: YAML with line numbers, the models, then the cross-reference rules.

Every error names the file, the line and the data path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.questionnaires.domain.data_path import format_path
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.definition_checks import check_definition
from app.questionnaires.domain.yaml_source import LineMap, load_yaml_with_lines
from app.questionnaires.errors import DefinitionProblem, InvalidDefinition


@dataclass(frozen=True)
class ParsedDefinition:
    """A validated definition with where each node sits in its source text."""

    definition: QuestionnaireDefinition
    source_name: str
    line_map: LineMap

    def line_for(self, path: tuple[str | int, ...]) -> int | None:
        """Return the source line of the node at a data path (or its nearest ancestor)."""
        return self.line_map.line_for(path)


def parse_definition(text: str, source_name: str) -> ParsedDefinition:
    """Parse and validate definition text; raise `InvalidDefinition` naming file:line: path."""
    data, line_map = load_yaml_with_lines(text, source_name)
    if not isinstance(data, dict):
        problem = DefinitionProblem(source_name, 1, "", "a definition must be a YAML mapping")
        raise InvalidDefinition([problem])
    try:
        definition = QuestionnaireDefinition.model_validate(data)
    except ValidationError as error:
        raise InvalidDefinition(_problems_from(error, data, line_map, source_name)) from error
    problems = [
        DefinitionProblem(source_name, line_map.line_for(path), format_path(path), message)
        for path, message in check_definition(definition)
    ]
    if problems:
        raise InvalidDefinition(problems)
    return ParsedDefinition(definition, source_name, line_map)


def _problems_from(
    error: ValidationError, data: Any, line_map: LineMap, source_name: str
) -> list[DefinitionProblem]:
    problems = []
    for detail in error.errors(include_url=False):
        if _is_echo_of_item_errors(detail):
            continue
        path = _data_path(data, detail["loc"])
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = f"unknown key '{path[-1]}'"
        problems.append(
            DefinitionProblem(source_name, line_map.line_for(path), format_path(path), message)
        )
    return problems


def _is_echo_of_item_errors(detail: ErrorDetails) -> bool:
    """Tell whether a `too_short` error only repeats that the items themselves failed."""
    if detail["type"] != "too_short":
        return False
    given = detail.get("input")
    minimum = (detail.get("ctx") or {}).get("min_length", 0)
    return isinstance(given, list) and len(given) >= minimum


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Map a pydantic error location onto the data, dropping union tags that are not keys."""
    path: list[str | int] = []
    current = data
    for position, part in enumerate(loc):
        is_last = position == len(loc) - 1
        found, child = _child(current, part)
        if found:
            current = child
        elif not is_last:
            continue
        path.append(part)
    return tuple(path)


def _child(node: Any, key: str | int) -> tuple[bool, Any]:
    if isinstance(node, dict):
        return (key in node, node.get(key))
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return (True, node[key])
    return (False, None)
