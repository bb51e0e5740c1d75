"""Geometry of the report's inline SVG figures: numbers only, no markup and no data text."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model import Step
from ..text import format_number

RADIUS, ROW, LABEL_BAND = 11.0, 40.0, 18.0
SIDE = 24.0


@dataclass(frozen=True)
class Mark:
    """One instrument on the timeline: where, which row, law or not. A mark lifted out of the
    way of its neighbours keeps a leader line down to its true date (`date_x` on `base_y`)."""

    x: float
    y: float
    base_y: float
    index: int
    is_law: bool
    date_x: float = 0.0

    @property
    def lifted(self) -> bool:
        """Whether the mark sits above its lane's baseline (so it needs a leader line)."""
        return self.y != self.base_y or self.x != self.date_x

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


TAG_HALF = 18.0
"""Half the width of a draft's tag ("draft", "草案") above its circle."""
GAP = 6.0
"""The least room between two marks (or a mark and a tag) of one row."""


def timeline_figure(lanes: Sequence[Sequence[tuple[int, dt.date, bool]]],
                    width: float = 960.0) -> TimelineFigure:
    """Lanes of (index, date, is_law) marks; marks that would touch (circles or a draft's tag)
    go up a row, with a leader line to their date. `width` 360 is the phone figure."""
    days = [day for lane in lanes for _, day, _ in lane]
    first, last = (min(days), max(days)) if days else (dt.date(2000, 1, 1), dt.date(2000, 1, 1))
    scale = Scale(first, last, SIDE, width - SIDE)
    top, out_lanes, marks = 4.0, [], []
    for lane in lanes:
        xs = [scale.x(day) for _, day, _ in lane]
        halves = [RADIUS + 2 if is_law else max(RADIUS + 2, TAG_HALF) for _, _, is_law in lane]
        rows = _rows(xs, halves)
        tag_room = 14 if any(not is_law for _, _, is_law in lane) else 4
        base_y = top + LABEL_BAND + RADIUS + tag_room + max(rows, default=0) * ROW
        for (index, _, is_law), x, row in zip(lane, xs, rows):
            shown = min(max(x, SIDE), width - SIDE)
            marks.append(Mark(shown, base_y - row * ROW, base_y, index, is_law, x))
        bottom = base_y + RADIUS + 8
        out_lanes.append(Lane(top + 13, base_y, top, bottom))
        top = bottom + 6
    axis_y = top + 4
    ticks = scale.ticks(most=10 if width >= 600 else 4)
    return TimelineFigure(width, axis_y + 22, SIDE, width - SIDE, axis_y, tuple(out_lanes),
                          tuple(marks), ticks)


def _rows(xs: Sequence[float], halves: Sequence[float]) -> list[int]:
    """Greedy rows: a mark goes to the lowest row where its box (circle, or a draft's wider
    tag) keeps GAP from the last box of that row."""
    last_in_row: list[tuple[float, float]] = []
    out = []
    for x, half in zip(xs, halves):
        row = next((r for r, (seen, seen_half) in enumerate(last_in_row)
                    if x - half - (seen + seen_half) >= GAP), None)
        if row is None:
            row = len(last_in_row)
            last_in_row.append((x, half))
        last_in_row[row] = (x, half)
        out.append(row)
    return out


def boxes_overlap(marks: Sequence[Mark]) -> list[tuple[int, int]]:
    """Pairs of marks whose circles (or draft tags) would touch: none, by construction."""
    out = []
    for i, a in enumerate(marks):
        for b in marks[i + 1:]:
            half = (RADIUS + 2 if a.is_law else TAG_HALF) + (RADIUS + 2 if b.is_law else TAG_HALF)
            if abs(a.x - b.x) < half and abs(a.y - b.y) < 2 * RADIUS + 4:
                out.append((a.index, b.index))
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
                last: dt.date, width: float = 960.0, height: float = 200.0) -> StepFigure:
    """A step line over [first, last] for the numeric steps; proposals as separate points.
    The y axis runs from 0 (or the lowest value) to a round number above the highest, with
    round ticks; the x axis has a tick per year or per round number of years."""
    numbers = [float(s.value) for s in list(steps) + list(proposals) if _is_number(s.value)]
    whole = all(float(n).is_integer() for n in numbers)
    low, high, ticks = nice_ticks(min(numbers + [0.0]), max(numbers + [0.0]), whole=whole)
    labels = [format_number(_tidy(v)) for v in ticks]
    left = 14 + 7.0 * max(len(t) for t in labels)
    top, bottom = 16.0, height - 24
    scale = Scale(first, last, left, width - 12)

    def y(value: float) -> float:
        span = (high - low) or 1.0
        return round(bottom - (value - low) / span * (bottom - top), 1)
    line, points = _step_line(steps, scale, y)
    marks = tuple((Point(scale.x(s.date), y(float(s.value)), i), _law_y(steps, s.date, y))
                  for i, s in enumerate(proposals) if _is_number(s.value))
    y_ticks = tuple(Tick(y(v), label) for v, label in zip(ticks, labels))
    return StepFigure(width, height, left, width - 12, top, bottom, line, points, marks,
                      scale.ticks(most=12), y_ticks)


def nice_ticks(low: float, high: float, most: int = 5,
               whole: bool = False) -> tuple[float, float, list[float]]:
    """Round tick values covering [low, high]: the axis's ends and its ticks (whole numbers
    only when the values are whole)."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(most - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in factors if m * magnitude >= raw)
    step = max(step, 1.0) if whole else step
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    if end == high and high != 0:
        end += step  # room above the highest value for its label
    count = round((end - start) / step)
    return start, end, [round(start + i * step, 10) for i in range(count + 1)]


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
