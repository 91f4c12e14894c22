"""YAML text of definition files: parsing with line numbers per data path, and writing.

Definition files use a strict YAML subset: only `true`/`false` are booleans (so a choice
value `yes` stays the string "yes"), dates stay strings, duplicate keys and aliases are
rejected. Every mapping key and sequence item records the line it starts on, so
validation errors can point at `file:line`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from app.questionnaires.domain.data_path import DataPath, format_path
from app.questionnaires.errors import DefinitionProblem, InvalidDefinition

_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 yes/no/on/off booleans and implicit timestamps."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class LineMap:
    """Line numbers (1-based) of the nodes of one YAML document, keyed by data path."""

    lines: Mapping[DataPath, int]

    def line_for(self, path: Sequence[str | int]) -> int | None:
        """Return the line of the deepest existing node along `path`."""
        for length in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:length]))
            if line is not None:
                return line
        return None


def load_yaml_with_lines(text: str, source_name: str) -> tuple[Any, LineMap]:
    """Parse one YAML document and record the line of every key and item."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        message = f"invalid YAML: {error.problem or error.context or 'syntax error'}"
        raise InvalidDefinition([DefinitionProblem(source_name, line, "", message)]) from error
    except yaml.YAMLError as error:
        problem = DefinitionProblem(source_name, None, "", f"invalid YAML: {error}")
        raise InvalidDefinition([problem]) from error
    finally:
        loader.dispose()
    lines: dict[DataPath, int] = {(): 1}
    if node is not None:
        _record_lines(node, (), lines, _Walk(source_name))
    return data, LineMap(lines)


@dataclass
class _Walk:
    source_name: str
    seen: set[int] | None = None

    def visit(self, node: yaml.Node) -> None:
        """Note a node as seen; refuse one reached twice (an alias)."""
        # Aliases share one node object; refusing them keeps files plain and the walk linear.
        if self.seen is None:
            self.seen = set()
        if id(node) in self.seen and not isinstance(node, yaml.ScalarNode):
            self.fail(node, "anchors and aliases are not allowed in definition files")
        self.seen.add(id(node))

    def fail(self, node: yaml.Node, message: str, path: DataPath = ()) -> None:
        """Raise `InvalidDefinition` at a node's line."""
        problem = DefinitionProblem(
            self.source_name, node.start_mark.line + 1, format_path(path), message
        )
        raise InvalidDefinition([problem])


def _record_lines(node: yaml.Node, path: DataPath, lines: dict[DataPath, int], walk: _Walk) -> None:
    walk.visit(node)
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                walk.fail(key_node, "mapping keys must be plain strings", path)
            key = str(key_node.value)
            if key in keys:
                walk.fail(key_node, f"duplicate key '{key}'", path)
            keys.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), lines, walk)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _record_lines(item, (*path, index), lines, walk)


class _BlockDumper(yaml.SafeDumper):
    """Dumper that indents list items under their key and writes long text as `>` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # noqa: ARG002
        """Indent block sequences under their key (PyYAML would write them flush left)."""
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Write plain data as block-style YAML that `load_yaml_with_lines` reads back identically."""
    text: str = yaml.dump(
        data,
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return text
