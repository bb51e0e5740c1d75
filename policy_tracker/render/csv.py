"""CSV: one row per change, UTF-8, spreadsheet-formula safe."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..model import Change, Diff, Event, FieldHistory, RenderOptions, Timeline, format_path
from .escape import csv_cell

CHANGE_COLUMNS = ("fingerprint", "area", "path", "label", "kind", "rule", "direction",
                  "severity", "old", "new", "unit", "sentence", "citation", "unconfirmed",
                  "old_position", "new_position")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def cell_value(value: Any) -> Any:
    """A rule value as one cell: containers as compact JSON, scalars as they are."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def change_row(change: Change, lang: str) -> list[Any]:
    """The cells of one change, in `CHANGE_COLUMNS` order."""
    value = cell_value
    return [change.fingerprint, change.area.get(lang), change.path_text, change.label.get(lang),
            change.kind.value, change.rule, change.direction.value, change.severity.value,
            value(change.old), value(change.new), change.unit, change.sentence.get(lang),
            change.citation.label(lang) if change.citation else "", change.unconfirmed,
            str(change.old_position) if change.old_position else "",
            str(change.new_position) if change.new_position else ""]


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """One row per change, with the two operands in the first columns."""
    return table(("old_version", "new_version") + CHANGE_COLUMNS,
                 ([diff.old, diff.new] + change_row(c, options.lang) for c in diff.changes))


EVENT_COLUMNS = ("event_id", "track", "date", "status", "title", "document_number")
HISTORY_COLUMNS = ("policy", "track", "path", "date", "snapshot", "title", "status", "present",
                   "value", "unit", "citation")


def event_cells(event: Event, lang: str) -> list[Any]:
    """The cells of one event, in `EVENT_COLUMNS` order."""
    meta = event.snapshot
    return [event.id, event.track, event.date.isoformat(), meta.status.value if meta else "",
            event.title.get(lang), meta.document_number if meta else ""]


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """One row per change with its event's columns; an event without changes gets one row."""
    lang = options.lang
    rows: list[list[Any]] = []
    for event in timeline.events:
        cells = event_cells(event, lang)
        rows.extend(cells + change_row(c, lang) for c in event.changes)
        if not event.changes:
            rows.append(cells + [""] * len(CHANGE_COLUMNS))
    return table(EVENT_COLUMNS + CHANGE_COLUMNS, rows)


def render_history(history: FieldHistory, options: RenderOptions) -> str:
    """One row per step: when, which snapshot, the value as data and its citation."""
    lang = options.lang
    path = format_path(history.path)
    return table(HISTORY_COLUMNS, (
        [history.policy, history.track, path, step.date.isoformat(), step.snapshot,
         step.title.get(lang), step.status, step.present, cell_value(step.value),
         history.unit, step.citation.label(lang) if step.citation else ""]
        for step in history.steps))
