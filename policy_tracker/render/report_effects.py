"""The report's compact effects table: one row per instrument, date and whether applied,
with its effects counted by type (the full register is `policy-tracker effects`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import message
from ..legal import Effect
from ..reportmodel import Report
from .effects_rows import count_line


@dataclass(frozen=True)
class EffectRow:
    """One line of the compact table, in words."""

    date: str
    by: str
    affected: str
    effects: str
    applied: str
    note: str


def effects_heading(lang: str) -> str:
    """The section's title."""
    return message("effects.title", lang)


def effects_columns(lang: str) -> tuple[str, ...]:
    """The column names of the compact table."""
    return tuple(message(f"effects.col.{name}", lang)
                 for name in ("date", "type", "applied", "by", "affected", "note"))


def effects_summary(report: Report, lang: str) -> str:
    """What the table holds and the count; empty when the report has no register."""
    if report.effects is None:
        return ""
    return f"{message('effects.drafts_left_out', lang)} {count_line(report.effects, lang)}"


def effects_rows(report: Report, lang: str) -> tuple[EffectRow, ...]:
    """Effects grouped by date, track, affecting instrument and whether applied."""
    if report.effects is None:
        return ()
    groups: dict[tuple[str, str, str, bool], list[Effect]] = {}
    for effect in report.effects.effects:
        key = (effect.date.isoformat() if effect.date else "", effect.track,
               effect.by.get(lang), effect.applied)
        groups.setdefault(key, []).append(effect)
    return tuple(_row(key, items, lang) for key, items in groups.items())


def _row(key: tuple[str, str, str, bool], items: list[Effect], lang: str) -> EffectRow:
    date, _, by, applied = key
    sep = "、" if lang == "zh" else ", "
    counts: dict[str, int] = {}
    for effect in items:
        counts[effect.type] = counts.get(effect.type, 0) + 1
    kinds = sep.join(f"{message(f'effects.type.{kind}', lang)} {n}" for kind, n in counts.items())
    affected = sep.join(dict.fromkeys(e.affected.get(lang) for e in items))
    notes = " ".join(e.note.get(lang) for e in items if e.origin != "snapshot" and e.note.get(lang))
    doubt = any(e.unconfirmed for e in items)
    word = message("effects.applied.yes" if applied else "effects.applied.no", lang)
    if doubt:
        word += ("（" if lang == "zh" else " (") + message("effects.unconfirmed", lang) + \
            ("）" if lang == "zh" else ")")
    return EffectRow(date or message("effects.undated", lang), by, affected, kinds, word, notes)
