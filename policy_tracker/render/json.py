"""JSON: the model's `to_dict()`, keys sorted, strict (no NaN), one trailing newline."""

from __future__ import annotations

import json
from typing import Any

from ..errors import PolicyTrackerError
from ..model import Diff, FieldHistory, RenderOptions, Review, Timeline
from ..visible import escape_json


def escape_invisible(text: str) -> str:
    """JSON text with invisible and bidirectional characters written as \\u escapes (they only
    occur inside strings, where the escape means the same character)."""
    return escape_json(text)


def dumps(data: Any) -> str:
    """Deterministic, strict JSON text."""
    return escape_invisible(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False,
                                       allow_nan=False)) + "\n"


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """The diff as JSON (schema: `policy-tracker schema diff`)."""
    return dumps(diff.to_dict())


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """The timeline as JSON (schema: `policy-tracker schema timeline`)."""
    return dumps(timeline.to_dict())


def render_history(history: FieldHistory, options: RenderOptions) -> str:
    """A field's history as JSON: its path, label, unit and steps."""
    return dumps(history.to_dict())


def render_review(review: Review, options: RenderOptions) -> str:
    """A pull-request review as JSON: the two commits and every changed file."""
    return dumps(review.to_dict())


def render_parameter_history(history: Any, options: RenderOptions) -> str:
    """An OpenFisca parameter's history as JSON: its values at the ref and its git events."""
    return dumps(history.to_dict())


def render_problems(problems: tuple[PolicyTrackerError, ...], options: RenderOptions) -> str:
    """Validation problems as JSON: each with its file, line, column and message."""
    return dumps({"ok": not problems, "count": len(problems), "problems": [
        {"file": p.where, "line": p.line, "column": p.col, "message": p.message}
        for p in problems]})
