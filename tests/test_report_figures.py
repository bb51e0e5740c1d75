"""The report's figures and first screen: timeline marks never touch (collision avoidance with
leader lines), step charts get round axes, the summary says what changed most."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_tracker import api
from policy_tracker.model import Severity
from policy_tracker.render.report_glance import brief, glance, substantive
from policy_tracker.render.report_svg import (
    RADIUS,
    Mark,
    TimelineFigure,
    boxes_overlap,
    nice_ticks,
    timeline_figure,
)
from policy_tracker.render.reportkit import event_views
from policy_tracker.report import build_report

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(DAYS, st.booleans()), min_size=1, max_size=14),
                min_size=1, max_size=4),
       st.sampled_from([960.0, 360.0]))
def test_timeline_marks_never_touch_and_stay_in_the_figure(
        lanes: list[list[tuple[dt.date, bool]]], width: float) -> None:
    numbered: Lanes = []
    n = 0
    for lane in lanes:
        numbered.append([(n + i, day, law) for i, (day, law) in enumerate(sorted(lane))])
        n += len(lane)
    figure = timeline_figure(numbered, width)
    assert len(figure.marks) == n
    assert boxes_overlap(figure.marks) == []
    for mark in figure.marks:
        assert figure.left <= mark.x <= figure.right
        assert mark.y <= mark.base_y
        assert mark.y - RADIUS - (0 if mark.is_law else 15) > 0
    # a mark lifted out of the way keeps its true date on the baseline
    for lane, out in zip(numbered, _by_lane(figure.marks, numbered)):
        for (_, day, _), mark in zip(lane, out):
            assert abs(mark.date_x - _x(figure, day, numbered)) < 0.2


Lanes = list[list[tuple[int, dt.date, bool]]]


def _by_lane(marks: tuple[Mark, ...], numbered: Lanes) -> list[list[Mark]]:
    index = {m.index: m for m in marks}
    return [[index[i] for i, _, _ in lane] for lane in numbered]


def _x(figure: TimelineFigure, day: dt.date, numbered: Lanes) -> float:
    days = [d for lane in numbered for _, d, _ in lane]
    start, end = dt.date(min(days).year, 1, 1), dt.date(max(days).year + 1, 1, 1)
    return figure.left + (day - start).days / (end - start).days * (figure.right - figure.left)


def test_the_bundled_timeline_lifts_the_close_marks_with_a_leader_line() -> None:
    # 2019-08-01 (13) and the 2020-02-27 draft (14) used to touch.
    policy = api.load_policy("cn-permanent-residence")
    report = build_report(policy, as_of=dt.date(2024, 1, 1))
    lanes = [[(i, e.date, e.is_law) for i, e in enumerate(report.timeline.events)
              if e.track == track] for track in report.timeline.tracks]
    for width in (960.0, 360.0):
        figure = timeline_figure(lanes, width)
        assert boxes_overlap(figure.marks) == []
        lifted = [m for m in figure.marks if m.lifted]
        assert lifted and all(m.y < m.base_y for m in lifted)


def test_axis_ticks_are_round_and_cover_the_values() -> None:
    assert nice_ticks(0, 1_000_000) == (0.0, 1_250_000.0, [0.0, 250_000.0, 500_000.0,
                                                           750_000.0, 1_000_000.0, 1_250_000.0])
    assert nice_ticks(0, 3, whole=True) == (0.0, 4.0, [0.0, 1.0, 2.0, 3.0, 4.0])
    assert nice_ticks(0, 0.07) == (0.0, 0.08, [0.0, 0.02, 0.04, 0.06, 0.08])
    assert nice_ticks(5, 5)[2][0] <= 5 <= nice_ticks(5, 5)[2][-1]


def test_the_summary_counts_law_only_and_lists_drafts_apart() -> None:
    policy = api.load_policy("example-residence", "tests/data/sample")
    report = build_report(policy, as_of=dt.date(2023, 6, 30))
    views = event_views(report.timeline.events, report.sources, report, "en")
    summary = glance(report, views, "en")
    assert summary.lead.startswith("4 instruments of law dated 2010-01-01 to 2020-03-01 "
                                   "made 10 changes; 9 of them")
    assert summary.areas[0] == ("Eligibility", "3 looser, 2 stricter")
    assert summary.latest is not None and summary.latest.text == "Example Card Regulation"
    assert [d.text for d in summary.drafts] == ["Draft Residence Regulation"]
    assert summary.busiest is not None and summary.busiest.text == "Example Residence Amendment"
    zh = glance(report, event_views(report.timeline.events, report.sources, report, "zh"), "zh")
    assert zh.areas[0][1] == "放宽3处、收紧2处"
    assert [substantive(e) for e in report.timeline.events] == [True] * 5


def test_an_instrument_of_wording_changes_only_starts_folded() -> None:
    policy = api.load_policy("example-residence", "tests/data/sample")
    report = build_report(policy, as_of=dt.date(2023, 6, 30))
    amendment = report.timeline.events[1]
    wording = dataclasses.replace(amendment, changes=tuple(
        c for c in amendment.changes if c.severity is Severity.EDITORIAL))
    assert wording.changes and substantive(amendment) and not substantive(wording)
    view = event_views(report.timeline.events, report.sources, report, "en")[1]
    assert brief(wording, view, "en") == ("2015-06-01 · National · 1 change: 1 neutral; "
                                          "1 editorial (wording and citations only)")
    assert brief(report.timeline.events[0], view, "en").endswith("· the starting rules")
