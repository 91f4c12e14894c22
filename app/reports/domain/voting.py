"""Voting across the several places a report states the same fact."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.reports.domain.facts import Evidence

T = TypeVar("T")
_SNIPPET_CHARS = 160
_MAX_EVIDENCE = 3


@dataclass(frozen=True)
class Vote(Generic[T]):
    """One place in the document that states a value, weighted by how telling it is."""

    value: T
    weight: float
    page: int
    snippet: str
    source: str


@dataclass(frozen=True)
class Decision(Generic[T]):
    """The winning value with its confidence, evidence and closest rival."""

    value: T | None
    confidence: float = 0.0
    evidence: tuple[Evidence, ...] = ()
    runner_up: T | None = None
    runner_up_share: float = 0.0
    votes: tuple[Vote[T], ...] = field(default=())


def snippet(text: str, start: int, end: int, *, context: int = 50) -> str:
    """Return a one-line quote around text[start:end]."""
    begin = max(0, start - context)
    if begin > 0:
        # Start the quote on a word boundary so it reads cleanly.
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else begin
    stop = max(end, start) + context
    if stop < len(text) and not text[stop].isspace():
        # End on a word boundary too: drop the word the context cut in two.
        tail = text[max(end, start) : stop]
        last = max(tail.rfind(" "), tail.rfind("\n"))
        stop = max(end, start) + last if last != -1 else stop
    quote = " ".join(text[begin:stop].split())
    if len(quote) > _SNIPPET_CHARS:
        head = quote[: _SNIPPET_CHARS + 1]
        quote = head.rsplit(" ", 1)[0] if " " in head else quote[:_SNIPPET_CHARS]
    return quote


def decide(votes: Sequence[Vote[T]], key: Callable[[T], Hashable] | None = None) -> Decision[T]:
    """Pick the value with the most weight; confidence is share times support."""
    if not votes:
        return Decision(value=None)
    keyer: Callable[[T], Hashable] = key or _identity
    groups: dict[Hashable, list[Vote[T]]] = {}
    for vote in votes:
        groups.setdefault(keyer(vote.value), []).append(vote)
    ranked = sorted(groups.values(), key=lambda group: -sum(v.weight for v in group))
    total = sum(vote.weight for vote in votes)
    winner = ranked[0]
    share = sum(v.weight for v in winner) / total if total else 0.0
    support = min(1.0, 0.55 + 0.15 * len({v.source for v in winner}))
    runner = ranked[1] if len(ranked) > 1 else None
    return Decision(
        value=_best_value(winner),
        confidence=round(share * support, 2),
        evidence=evidence_of(winner),
        runner_up=_best_value(runner) if runner else None,
        runner_up_share=round(sum(v.weight for v in runner) / total, 2) if runner else 0.0,
        votes=tuple(winner),
    )


def _identity(value: T) -> Hashable:
    return value  # values must be hashable when no key is given


def _best_value(group: Sequence[Vote[T]]) -> T:
    return max(group, key=lambda vote: vote.weight).value


def evidence_of(votes: Sequence[Vote[T]]) -> tuple[Evidence, ...]:
    """Return up to three quotes, strongest first, one per page."""
    seen: set[int] = set()
    quotes: list[Evidence] = []
    for vote in sorted(votes, key=lambda v: (-v.weight, v.page)):
        if vote.page not in seen and vote.snippet:
            seen.add(vote.page)
            quotes.append(Evidence(page=vote.page, snippet=vote.snippet))
        if len(quotes) == _MAX_EVIDENCE:
            break
    return tuple(quotes)
