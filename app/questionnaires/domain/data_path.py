"""Where a value sits in a definition's data: ``sections[2].questions[4].show_if``."""

from __future__ import annotations

from collections.abc import Sequence

DataPath = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """Format a data path as `sections[2].questions[4].show_if`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
