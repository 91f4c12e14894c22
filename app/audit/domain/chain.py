"""Hash chaining of audit events: each event's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """Return the SHA-256 over the previous hash and the canonical JSON of the content."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    sequence: int
    content: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def verify_chain(links: Iterable[ChainLink]) -> ChainBreak | None:
    """Return the first place where the chain is broken, or None when it is intact."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    for link in links:
        if link.sequence != expected_sequence:
            return ChainBreak(link.sequence, f"event {expected_sequence} is missing before it")
        if link.prev_hash != expected_prev:
            return ChainBreak(link.sequence, "previous hash does not match")
        if event_hash(link.prev_hash, link.content) != link.hash:
            return ChainBreak(link.sequence, "content does not match its hash")
        expected_prev = link.hash
        expected_sequence += 1
    return None
