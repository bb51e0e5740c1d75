"""CSV: one row per change, UTF-8, spreadsheet-formula safe."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from ..model import Change, Diff, RenderOptions
from .escape import csv_cell

CHANGE_COLUMNS = ("fingerprint", "area", "path", "label", "kind", "rule", "direction",
                  "severity", "old", "new", "unit", "sentence", "citation", "unconfirmed",
                  "old_line", "new_line")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def change_row(change: Change, lang: str) -> list[Any]:
    """The cells of one change, in `CHANGE_COLUMNS` order."""
    def value(v: Any) -> Any:
        if isinstance(v, (dict, list)):
            import json
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        return v
    return [change.fingerprint, change.area.get(lang), change.path_text, change.label.get(lang),
            change.kind.value, change.rule, change.direction.value, change.severity.value,
            value(change.old), value(change.new), change.unit, change.sentence.get(lang),
            change.citation.label() if change.citation else "", change.unconfirmed,
            change.old_position.line if change.old_position else "",
            change.new_position.line if change.new_position else ""]


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """One row per change, with the two operands in the first columns."""
    return table(("old_version", "new_version") + CHANGE_COLUMNS,
                 ([diff.old, diff.new] + change_row(c, options.lang) for c in diff.changes))
