"""The written stack holds: no package cycles, pure domain packages, no cycle-dodging imports."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "app"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Reading the clock or files inside a domain package: the caller passes `today` and contents.
_CLOCK_CALLS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter"}
_IO_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "input", "print"}


def _package_cycles() -> list[set[str]]:
    graph = grimp.build_graph("app")
    package = {m: ".".join(m.split(".")[:2]) for m in graph.modules}
    edges: dict[str, set[str]] = {p: set() for p in package.values()}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if package[module] != package[imported]:
                edges[package[module]].add(package[imported])

    def reaches(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reach = {p: reaches(p) for p in edges}
    cycles = {frozenset({p, *[q for q in reach[p] if p in reach[q]]}) for p in edges}
    return [set(c) for c in cycles if len(c) > 1]


def test_no_package_imports_another_that_imports_it_back() -> None:
    assert _package_cycles() == []


def _domain_modules() -> list[Path]:
    return sorted(APP.glob("*/domain/**/*.py"))


def test_every_feature_keeps_its_pure_logic_in_a_domain_package() -> None:
    features = {path.parts[-3] for path in _domain_modules()}
    assert {"reports", "scoring", "questionnaires", "requests", "vendors", "reviews"} <= features


@pytest.mark.parametrize("path", _domain_modules(), ids=lambda p: str(p.relative_to(APP)))
def test_domain_modules_read_no_clock_and_no_files(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    offending = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _IO_CALLS or (isinstance(func, ast.Attribute) and name in _CLOCK_CALLS):
            offending.append(f"line {node.lineno}: {name}()")
    assert offending == []


def _function_level_app_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(scope):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Import) and any(a.name.startswith("app.") for a in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _is_command_module(path: Path) -> bool:
    # Command modules may defer their work's imports so that `diligence --help` starts fast.
    return path.name == "cli.py" or path.name.endswith("_cli.py")


def test_no_module_hides_an_import_of_the_app_inside_a_function() -> None:
    modules = [path for path in sorted(APP.rglob("*.py")) if not _is_command_module(path)]
    assert [hit for path in modules for hit in _function_level_app_imports(path)] == []


def _lint_scratch_copy(tmp_path: Path, scratch: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the project's import contracts over a copy of the app with scratch modules added."""
    shutil.copytree(APP, tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for relative, source in scratch.items():
        (tmp_path / relative).write_text(source)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_contracts_refuse_an_upward_import_and_an_impure_domain_module(tmp_path: Path) -> None:
    result = _lint_scratch_copy(
        tmp_path,
        {
            "app/vendors/scratch_upward.py": "from app.reviews import service\n",
            "app/scoring/domain/scratch_impure.py": "import pathlib\n",
        },
    )
    assert result.returncode != 0
    assert "app.vendors.scratch_upward -> app.reviews.service" in result.stdout
    assert "app.scoring.domain.scratch_impure -> pathlib" in result.stdout


@pytest.mark.slow
def test_the_contracts_accept_the_code_as_it_stands(tmp_path: Path) -> None:
    result = _lint_scratch_copy(tmp_path, {})
    assert result.returncode == 0, result.stdout
