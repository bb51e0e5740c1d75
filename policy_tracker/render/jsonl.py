"""JSON Lines: one compact JSON object per line, for streaming tools (jq, pandas, DuckDB)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..model import FieldHistory, RenderOptions, Timeline
from .json import escape_invisible

# JSON allows these inside strings, but line splitters (Python's str.splitlines among them)
# treat them as line breaks: escaping them keeps one record per line for every reader.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def line(data: Any) -> str:
    """One record: compact, keys sorted, strict (no NaN), no raw line separators."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return escape_invisible(text)


def lines(records: Iterable[Any]) -> str:
    """Records one per line, each ending with a newline (nothing at all for no records)."""
    return "".join(line(record) + "\n" for record in records)


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """One event per line, each as in `--format json` (`$defs/event` of the timeline schema)."""
    return lines(event.to_dict() for event in timeline.events)


def render_history(history: FieldHistory, options: RenderOptions) -> str:
    """One step (date, snapshot, value, citation) per line."""
    return lines(step.to_dict() for step in history.steps)
