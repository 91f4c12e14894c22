"""The server-drawn SVG charts: well-formed, escaped, and showing gaps and coverage ends."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from app.reviews.domain.timeline import (
    Coverage,
    ScorePoint,
    TimelineError,
    assurance_timeline_svg,
    coverage_end,
    coverage_gaps,
    score_history_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
REPORT_2023 = Coverage("SOC 2 Type 2 #1", date(2023, 1, 1), date(2023, 12, 31))
BRIDGE = Coverage("Bridge letter #2", date(2023, 12, 31), date(2024, 3, 31), "bridge")
REPORT_2024 = Coverage("SOC 2 Type 2 #3", date(2024, 7, 1), date(2025, 6, 30))


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_gap_between_bridge_coverage_and_the_next_report_is_found():
    gaps = coverage_gaps([REPORT_2024, REPORT_2023, BRIDGE])
    assert [(g.start, g.end, g.days) for g in gaps] == [(date(2024, 4, 1), date(2024, 6, 30), 91)]


def test_overlapping_or_adjacent_periods_leave_no_gap():
    adjacent = Coverage("next", date(2024, 1, 1), date(2024, 12, 31))
    assert coverage_gaps([REPORT_2023, adjacent]) == []


def test_coverage_ends_a_year_after_the_last_report_unless_a_bridge_reaches_further():
    assert coverage_end([REPORT_2023]) == date(2024, 12, 30)
    assert coverage_end([BRIDGE]) == date(2024, 3, 31)
    assert coverage_end([]) is None


def test_timeline_draws_reports_bridges_gaps_coverage_end_and_today():
    svg = assurance_timeline_svg([REPORT_2023, BRIDGE, REPORT_2024], today=date(2025, 1, 15))
    root = _parse(svg)
    kinds = [rect.get("data-kind") for rect in root.iter(f"{SVG}rect")]
    assert kinds.count("report") == 2 and kinds.count("bridge") == 1 and kinds.count("gap") == 1
    assert "today 2025-01-15" in svg and "coverage ends 2026-06-30" in svg
    assert root.get("role") == "img"
    assert "gap of 91 days" in root.find(f"{SVG}desc").text


def test_labels_are_escaped_so_a_vendor_name_cannot_inject_markup():
    hostile = Coverage('<script>alert("x")</script>', date(2024, 1, 1), date(2024, 12, 31))
    svg = assurance_timeline_svg([hostile], today=date(2025, 1, 1))
    assert "<script>" not in svg
    _parse(svg)


def test_no_inline_styles_are_used_because_the_page_csp_forbids_them():
    svg = assurance_timeline_svg([REPORT_2023, BRIDGE], today=date(2024, 6, 1))
    history = score_history_svg([ScorePoint(date(2024, 1, 1), 80.0)])
    assert "style=" not in svg and "style=" not in history


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(TimelineError):
        assurance_timeline_svg(
            [Coverage("bad", date(2024, 2, 1), date(2024, 1, 1))], today=date(2024, 3, 1)
        )


def test_timeline_without_documents_still_shows_today():
    svg = assurance_timeline_svg([], today=date(2025, 1, 1))
    assert "today 2025-01-01" in svg and "No report or bridge letter on file" in svg


def test_score_history_draws_computed_and_final_lines_when_overridden():
    points = [
        ScorePoint(date(2024, 1, 1), 80.0),
        ScorePoint(date(2024, 2, 1), 76.0, final=60.0),
    ]
    root = _parse(score_history_svg(points))
    series = [line.get("data-series") for line in root.iter(f"{SVG}polyline")]
    assert series == ["computed", "final"]
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert "final 60 (computed 76)" in root.find(f"{SVG}desc").text


def test_score_history_without_scores_says_so():
    assert "No score yet" in score_history_svg([])
