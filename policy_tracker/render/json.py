"""JSON: the model's `to_dict()`, keys sorted, strict (no NaN), one trailing newline."""

from __future__ import annotations

import json
from typing import Any

from ..model import Diff, RenderOptions


def dumps(data: Any) -> str:
    """Deterministic, strict JSON text."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """The diff as JSON (schema: `policy-tracker schema diff`)."""
    return dumps(diff.to_dict())
