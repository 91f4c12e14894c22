"""Everything the application imports is installed by `make run`, which installs only the
runtime dependencies: a package listed only in the development extra works in every test run
and fails on a fresh clone."""

from __future__ import annotations

import re
import sys
from importlib import metadata

import grimp

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_requirements(distribution: str) -> list[str]:
    """The distribution's requirements that hold without any extra, by normalised name."""
    names = []
    for requirement in metadata.requires(distribution) or []:
        marker = requirement.partition(";")[2]
        if "extra" in marker:
            continue
        match = _NAME.match(requirement)
        if match:
            names.append(_normalised(match.group()))
    return names


def _installed_by_make_run() -> set[str]:
    """Diligence's runtime dependencies and, recursively, theirs."""
    seen: set[str] = set()
    todo = _runtime_requirements("diligence")
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            todo.extend(_runtime_requirements(name))
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python: never imported here
    # An extra the runtime asks for by name (uvicorn[standard], procrastinate[psycopg]).
    for requirement in metadata.requires("diligence") or []:
        extras = re.search(r"\[([^\]]+)\]", requirement.partition(";")[0])
        match = _NAME.match(requirement)
        if not extras or not match:
            continue
        for extra in extras.group(1).split(","):
            for dependency in metadata.requires(match.group()) or []:
                marker = dependency.partition(";")[2].replace(" ", "")
                if f'extra=="{extra.strip()}"' in marker:
                    seen.add(_normalised(_NAME.match(dependency).group()))  # type: ignore[union-attr]
    return seen


def test_every_package_the_application_imports_is_a_runtime_dependency() -> None:
    graph = grimp.build_graph(
        "app", include_external_packages=True, exclude_type_checking_imports=True
    )
    external = {
        module
        for module in graph.modules
        if graph.is_module_squashed(module) and module not in sys.stdlib_module_names
    }
    providers = metadata.packages_distributions()
    installed = _installed_by_make_run()
    missing = {
        module: sorted(providers.get(module, ["(unknown)"]))
        for module in external
        if not any(_normalised(name) in installed for name in providers.get(module, []))
    }
    assert not missing, (
        "imported by the application but not installed by `make run` "
        f"(add them to [project] dependencies): {missing}"
    )
