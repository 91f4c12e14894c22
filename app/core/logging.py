"""Logging setup: one readable line per record on stderr."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    """Configure the root logger once."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
