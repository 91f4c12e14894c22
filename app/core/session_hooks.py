"""ORM session hooks (read models kept in step on flush), installed in plain sight.

Each entry point (the web application, the CLI, the job worker) installs the hooks it wants at
start-up. The names of installed hooks are remembered, so that processes started to share the
work (parallel rescoring) install exactly the same ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

_installed: list[str] = []


def install(hook: Callable[[], None]) -> None:
    """Run a hook's installer (idempotent) and remember it for worker processes."""
    hook()
    name = f"{hook.__module__}:{hook.__qualname__}"
    if name not in _installed:
        _installed.append(name)


def installed() -> list[str]:
    """Return the hooks installed in this process, as ``module:function`` names."""
    return list(_installed)


def install_by_name(names: Iterable[str]) -> None:
    """Install hooks named ``module:function`` (in a worker process)."""
    for name in names:
        module, _, function = name.partition(":")
        install(getattr(importlib.import_module(module), function))
