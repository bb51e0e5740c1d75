"""The effects register as CSV: one row per effect, machine columns then words."""

from __future__ import annotations

from ..legal import EffectsRegister
from ..model import RenderOptions
from .csv import table
from .effects_rows import cells

COLUMNS = ("date", "track", "type", "applied", "unconfirmed", "origin", "path", "by_snapshot",
           "affected", "provision", "effect", "by", "by_provision", "note")


def render_effects(register: EffectsRegister, options: RenderOptions) -> str:
    """CSV text (UTF-8, formula-safe); ISO dates; the words in the chosen language."""
    lang = options.lang
    rows = []
    for effect in register.effects:
        words = cells(effect, lang)
        rows.append([effect.date.isoformat() if effect.date else "", effect.track,
                     effect.type, effect.applied, effect.unconfirmed, effect.origin,
                     effect.path, effect.by_snapshot, words[1], words[2], words[3],
                     words[4], words[5], words[7]])
    return table(COLUMNS, rows)
