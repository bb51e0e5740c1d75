"""Geometry of the report's inline SVG figures: numbers only, no markup and no data text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model import Step
from ..text import format_number

RADIUS, ROW, LABEL_BAND = 11.0, 36.0, 18.0
SIDE = 24.0


@dataclass(frozen=True)
class Mark:
    """One instrument on the timeline: where, which row, law or not."""

    x: float
    y: float
    base_y: float
    index: int
    is_law: bool


@dataclass(frozen=True)
class Lane:
    """One track's band: its label position and baseline."""

    label_y: float
    base_y: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Tick:
    """A labelled position on an axis."""

    at: float
    label: str


@dataclass(frozen=True)
class TimelineFigure:
    """The whole timeline figure."""

    width: float
    height: float
    left: float
    right: float
    axis_y: float
    lanes: tuple[Lane, ...]
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]


class Scale:
    """Dates to x positions between `left` and `right`."""

    def __init__(self, first: dt.date, last: dt.date, left: float, right: float) -> None:
        start = dt.date(first.year, 1, 1)
        end = dt.date(last.year + 1, 1, 1)
        self.start, self.end = start, end
        self.left, self.right = left, right
        self.days = max((end - start).days, 1)

    def x(self, day: dt.date) -> float:
        """The x position of `day`."""
        return round(self.left + (day - self.start).days / self.days * (self.right - self.left), 1)

    def ticks(self, most: int = 10) -> tuple[Tick, ...]:
        """Year ticks, at most `most` of them, on round years."""
        span = self.end.year - self.start.year
        step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= most), 100)
        first = -(-self.start.year // step) * step
        return tuple(Tick(self.x(dt.date(year, 1, 1)), str(year))
                     for year in range(first, self.end.year + 1, step))


def timeline_figure(lanes: Sequence[Sequence[tuple[int, dt.date, bool]]],
                    width: float = 960.0) -> TimelineFigure:
    """Lanes of (index, date, is_law) marks; close marks stack in rows above the baseline."""
    days = [day for lane in lanes for _, day, _ in lane]
    first, last = (min(days), max(days)) if days else (dt.date(2000, 1, 1), dt.date(2000, 1, 1))
    scale = Scale(first, last, SIDE, width - SIDE)
    top, out_lanes, marks = 4.0, [], []
    for lane in lanes:
        rows = _rows([scale.x(day) for _, day, _ in lane])
        tag_room = 14 if any(not is_law for _, _, is_law in lane) else 4
        base_y = top + LABEL_BAND + RADIUS + tag_room + max(rows, default=0) * ROW
        for (index, day, is_law), row in zip(lane, rows):
            marks.append(Mark(scale.x(day), base_y - row * ROW, base_y, index, is_law))
        bottom = base_y + RADIUS + 8
        out_lanes.append(Lane(top + 13, base_y, top, bottom))
        top = bottom + 6
    axis_y = top + 4
    return TimelineFigure(width, axis_y + 22, SIDE, width - SIDE, axis_y, tuple(out_lanes),
                          tuple(marks), scale.ticks())


def _rows(xs: Sequence[float]) -> list[int]:
    """Greedy rows: a mark goes to the lowest row where it does not touch its neighbour."""
    last_in_row: list[float] = []
    out = []
    for x in xs:
        row = next((r for r, seen in enumerate(last_in_row) if x - seen >= 2 * RADIUS + 4), None)
        if row is None:
            row = len(last_in_row)
            last_in_row.append(x)
        last_in_row[row] = x
        out.append(row)
    return out


@dataclass(frozen=True)
class Point:
    """A value on a step chart."""

    x: float
    y: float
    index: int


@dataclass(frozen=True)
class StepFigure:
    """A step chart: the line, its points, proposals, and the axes."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    line: str
    points: tuple[tuple[Point, Tick, str], ...]
    """Each value's point, and where its label goes (x, text) and which way it runs."""
    proposals: tuple[tuple[Point, float], ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def step_figure(steps: Sequence[Step], proposals: Sequence[Step], first: dt.date,
                last: dt.date, width: float = 440.0, height: float = 140.0) -> StepFigure:
    """A step line over [first, last] for the numeric steps; proposals as separate points."""
    numbers = [float(s.value) for s in list(steps) + list(proposals) if _is_number(s.value)]
    high = max(numbers + [0.0])
    low = min(numbers + [0.0])
    labels = [format_number(v) for v in (low, high)]
    left = 12 + 7.0 * max(len(t) for t in labels)
    top, bottom = 16.0, height - 24
    scale = Scale(first, last, left, width - 12)

    def y(value: float) -> float:
        span = (high - low) * 1.15 or 1.0
        return round(bottom - (value - low) / span * (bottom - top), 1)
    line, points = _step_line(steps, scale, y)
    marks = tuple((Point(scale.x(s.date), y(float(s.value)), i), _law_y(steps, s.date, y))
                  for i, s in enumerate(proposals) if _is_number(s.value))
    y_ticks = tuple(Tick(y(v), format_number(_tidy(v))) for v in sorted({low, high}))
    return StepFigure(width, height, left, width - 12, top, bottom, line, points, marks,
                      scale.ticks(most=6), y_ticks)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _step_line(steps: Sequence[Step], scale: Scale,
               y: Callable[[float], float]) -> tuple[str, tuple[tuple[Point, Tick, str], ...]]:
    """SVG path data: a level per step until the next one; gaps where the field is absent."""
    parts: list[str] = []
    points = []
    for i, step in enumerate(steps):
        if not _is_number(step.value):
            continue
        x0 = scale.x(step.date)
        x1 = scale.x(steps[i + 1].date) if i + 1 < len(steps) else scale.right
        y0 = y(float(step.value))
        joined = i > 0 and _is_number(steps[i - 1].value)
        parts.append(f"V{y0} H{x1}" if joined else f"M{x0} {y0} H{x1}")
        text = format_number(_tidy(float(step.value)))
        near_end = x0 > scale.right - 8 * len(text) - 8
        label = Tick(x0 - 5 if near_end else x0 + 5, text)
        points.append((Point(x0, y0, i), label, "end" if near_end else "start"))
    return " ".join(parts), tuple(points)


def _law_y(steps: Sequence[Step], day: dt.date, y: Callable[[float], float]) -> float:
    """Where the law's line is on `day` (the bottom when the field is absent)."""
    current = None
    for step in steps:
        if step.date <= day:
            current = step.value
    return y(float(current)) if isinstance(current, (int, float)) else y(0.0)
