"""Charts of the review drawn as SVG on the server: the score history and the assurance timeline.

The assurance timeline shows report periods, bridge-letter coverage after them, gaps in
coverage, the day coverage ends and today. Both charts are plain SVG strings built from frozen
inputs, with text escaped, presentation attributes instead of inline styles (the pages' CSP
forbids them) and a title and description for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Literal

WIDTH = 640
_LEFT = 40
_RIGHT = 16
_PLOT = WIDTH - _LEFT - _RIGHT
_BAND_LINES = (("A", 85), ("B", 70), ("C", 55), ("D", 35))
CoverageKind = Literal["report", "bridge"]


class TimelineError(Exception):
    """The chart's inputs cannot be drawn."""


@dataclass(frozen=True)
class ScorePoint:
    on: date
    computed: float | None
    final: float | None = None


@dataclass(frozen=True)
class Coverage:
    label: str
    start: date
    end: date
    kind: CoverageKind = "report"


@dataclass(frozen=True)
class Gap:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {key.replace("_", "-")}="{escape(val)}"' for key, val in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="11"{extra}>{escape(content)}</text>'


def _open(height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="t d" class="chart">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
    )


def score_history_svg(points: Sequence[ScorePoint], *, height: int = 200) -> str:
    """Draw computed scores (and final scores where overridden) over time, with band lines."""
    drawn = [p for p in points if p.computed is not None or p.final is not None]
    described = "; ".join(f"{p.on.isoformat()}: {_value_text(p)}" for p in drawn) or "no scores"
    svg = [_open(height, "Score history", described)]
    top, bottom = 12, height - 24

    def y_of(value: float) -> float:
        return bottom - (max(0.0, min(100.0, value)) / 100) * (bottom - top)

    for band, limit in _BAND_LINES:
        y = y_of(limit)
        svg.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d0d7de" stroke-dasharray="4 3"/>'
        )
        svg.append(_text(4, y + 4, f"{band} {limit}", fill="#57606a"))
    if not drawn:
        svg.append(_text(_LEFT + 8, height / 2, "No score yet", fill="#57606a"))
        return "".join(svg) + "</svg>"
    step = _PLOT / max(1, len(drawn) - 1)
    xs = [_LEFT + (i * step if len(drawn) > 1 else _PLOT / 2) for i in range(len(drawn))]
    svg.append(_polyline(xs, [p.computed for p in drawn], y_of, "#0b5cad", "computed"))
    if any(p.final is not None for p in drawn):
        finals = [p.final if p.final is not None else p.computed for p in drawn]
        svg.append(_polyline(xs, finals, y_of, "#b42318", "final", dashed=True))
    for x, point in zip(xs, drawn, strict=True):
        shown = point.final if point.final is not None else point.computed
        if shown is not None:
            svg.append(
                f'<circle cx="{x:.1f}" cy="{y_of(shown):.1f}" r="3" fill="#0b5cad">'
                f"<title>{escape(point.on.isoformat())}: {escape(_value_text(point))}</title>"
                "</circle>"
            )
    svg.append(_text(_LEFT, height - 6, drawn[0].on.isoformat(), fill="#57606a"))
    if len(drawn) > 1:
        svg.append(
            _text(
                WIDTH - _RIGHT,
                height - 6,
                drawn[-1].on.isoformat(),
                fill="#57606a",
                text_anchor="end",
            )
        )
    return "".join(svg) + "</svg>"


def _value_text(point: ScorePoint) -> str:
    computed = "none" if point.computed is None else f"{point.computed:g}"
    if point.final is None:
        return f"score {computed}"
    return f"final {point.final:g} (computed {computed})"


def _polyline(
    xs: Sequence[float],
    values: Sequence[float | None],
    y_of: Callable[[float], float],
    colour: str,
    name: str,
    *,
    dashed: bool = False,
) -> str:
    pairs = [f"{x:.1f},{y_of(v):.1f}" for x, v in zip(xs, values, strict=True) if v is not None]
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<polyline points="{" ".join(pairs)}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dash} data-series="{name}"/>'
    )


def coverage_gaps(coverage: Sequence[Coverage]) -> list[Gap]:
    """Return the days between coverage periods that no report or bridge letter covers."""
    spans = sorted(coverage, key=lambda c: (c.start, c.end))
    gaps: list[Gap] = []
    covered_to: date | None = None
    for span in spans:
        if covered_to is not None and span.start > covered_to + timedelta(days=1):
            gaps.append(Gap(covered_to + timedelta(days=1), span.start - timedelta(days=1)))
        covered_to = span.end if covered_to is None else max(covered_to, span.end)
    return gaps


def coverage_end(coverage: Sequence[Coverage], *, current_days: int = 365) -> date | None:
    """Return when coverage ends: a year after the last report, or the last bridge if later."""
    reports = [c.end + timedelta(days=current_days) for c in coverage if c.kind == "report"]
    bridges = [c.end for c in coverage if c.kind == "bridge"]
    ends = reports + bridges
    return max(ends) if ends else None


def assurance_timeline_svg(
    coverage: Sequence[Coverage], *, today: date, current_days: int = 365
) -> str:
    """Draw report periods, bridge coverage, gaps, the end of coverage and today on one axis."""
    for span in coverage:
        if span.end < span.start:
            raise TimelineError(f"{span.label} ends before it starts")
    ends_on = coverage_end(coverage, current_days=current_days)
    gaps = coverage_gaps(coverage)
    first = min([c.start for c in coverage] + [today - timedelta(days=365)])
    last = max([today + timedelta(days=90)] + ([ends_on] if ends_on else []))
    total = max(1, (last - first).days)

    def x_of(day: date) -> float:
        return _LEFT + (day - first).days / total * _PLOT

    rows = len(coverage) + 1
    height = 40 + rows * 26
    description = _timeline_description(coverage, gaps, ends_on, today)
    svg = [_open(height, "Assurance timeline", description)]
    for index, span in enumerate(sorted(coverage, key=lambda c: c.start)):
        y = 16 + index * 26
        colour = "#0b5cad" if span.kind == "report" else "#8250df"
        width = max(2.0, x_of(span.end) - x_of(span.start))
        svg.append(
            f'<rect x="{x_of(span.start):.1f}" y="{y}" width="{width:.1f}" height="16" '
            f'fill="{colour}" rx="2" data-kind="{span.kind}"><title>{escape(span.label)}: '
            f"{span.start.isoformat()} to {span.end.isoformat()}</title></rect>"
        )
        svg.append(_text(x_of(span.start), y + 28, span.label, fill="#1b1f24"))
    band_y, band_h = 8, rows * 26
    for gap in gaps:
        svg.append(
            f'<rect x="{x_of(gap.start):.1f}" y="{band_y}" '
            f'width="{max(2.0, x_of(gap.end) - x_of(gap.start)):.1f}" height="{band_h}" '
            f'fill="#fdecea" opacity="0.8" data-kind="gap"><title>Gap of {gap.days} days: '
            f"{gap.start.isoformat()} to {gap.end.isoformat()}</title></rect>"
        )
    if ends_on is not None:
        svg.append(_marker(x_of(ends_on), height, "#b42318", f"coverage ends {ends_on}"))
    svg.append(_marker(x_of(today), height, "#1b1f24", f"today {today}"))
    return "".join(svg) + "</svg>"


def _marker(x: float, height: int, colour: str, label: str) -> str:
    return (
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 18}" stroke="{colour}" '
        f'stroke-width="2"/>' + _text(x, height - 4, label, fill=colour, text_anchor="middle")
    )


def _timeline_description(
    coverage: Sequence[Coverage], gaps: Sequence[Gap], ends_on: date | None, today: date
) -> str:
    if not coverage:
        return f"No report or bridge letter on file. Today is {today}."
    parts = [f"{c.label} covers {c.start} to {c.end}" for c in coverage]
    parts += [f"gap of {g.days} days from {g.start} to {g.end}" for g in gaps]
    if ends_on is not None:
        parts.append(f"coverage ends {ends_on}")
    parts.append(f"today is {today}")
    return "; ".join(parts) + "."
